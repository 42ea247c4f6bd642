"""What happens to a generated document after it is made: it is emailed to one of the customer's
contacts (the editable Email Template "Generated Document", the PDF attached, logged on the customer
as an Internal note), or shared on the portal, where the customer's portal users can open it
(portal/access.py lets them reach shared documents of their own customers only)."""

import frappe
from frappe import _
from frappe.utils import escape_html, now_datetime

from customer_lifecycle.customers.contacts import linked_names
from customer_lifecycle.customers.documents.context import firm
from customer_lifecycle.customers.emails import send_from_template
from customer_lifecycle.utils.doctypes import GENERATED_DOCUMENT

EMAIL_TEMPLATE = "Generated Document"


def set_shared_by(doc) -> None:
	"""Generated Document.validate: who shared it on the portal and when, or nothing once unshared."""
	if not doc.shared_on_portal:
		doc.shared_on = doc.shared_by = None
	elif doc.is_new() or doc.has_value_changed("shared_on_portal"):
		doc.shared_on, doc.shared_by = now_datetime(), frappe.session.user


def set_shared(name: str, shared: bool):
	"""Share a document on the customer's portal, or take it off; returns the document."""
	doc = frappe.get_doc(GENERATED_DOCUMENT, name)
	doc.shared_on_portal = 1 if shared else 0
	doc.save()
	return doc


def recipient(doc, contact: str) -> frappe._dict:
	"""The contact to email, if it is one of the document's customer's and has an email address."""
	row = None
	if contact and contact in linked_names("Contact", doc.customer):
		row = frappe.db.get_value("Contact", contact, ["name", "full_name", "email_id"], as_dict=True)
	if not row:
		frappe.throw(
			_("{0}: {1} is not a contact of {2}.").format(
				frappe.bold(_("Contact")), frappe.bold(escape_html(contact or "")), frappe.bold(doc.customer)
			),
			frappe.ValidationError,
		)
	if not row.email_id:
		frappe.throw(
			_("{0}: {1} has no email address.").format(
				frappe.bold(_("Contact")), frappe.bold(escape_html(row.full_name or row.name))
			),
			frappe.ValidationError,
		)
	return row


def email(name: str, contact: str) -> str:
	"""Email the document's PDF to one of its customer's contacts, log it as a note; returns the
	address it went to."""
	doc = frappe.get_doc(GENERATED_DOCUMENT, name)
	to = recipient(doc, contact)
	if not doc.file or not frappe.db.exists("File", doc.file):
		frappe.throw(
			_("The PDF of {0} is gone: generate the document again.").format(frappe.bold(doc.name)),
			frappe.ValidationError,
		)
	who = f"{to.full_name} <{to.email_id}>" if to.full_name else to.email_id
	send_from_template(
		EMAIL_TEMPLATE,
		to.email_id,
		{
			"contact_name": to.full_name or "",
			"customer_name": doc.customer_name,
			"document_title": doc.title,
			"document_name": doc.name,
			"firm_name": firm().get("name"),
		},
		doc,
		doc.customer,
		_("{0} ({1}) emailed to {2}").format(escape_html(doc.title), doc.name, escape_html(who)),
		attachments=[{"fid": doc.file}],
	)
	doc.db_set("last_emailed_on", now_datetime(), update_modified=False)
	return to.email_id
