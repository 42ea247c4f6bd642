"""What a portal user may change: their own contact details, their customer's addresses, answers and
documents for the onboarding items their customer provides and for its information requests (both
through onboarding/items.py), and requests about their personal data.
Every function takes the customer, already checked by `access.customer_for`; writes go through the
records' own controllers (the desk's validation), with role permissions bypassed for that customer
only.
"""

import frappe
from frappe import _
from frappe.utils import cint, escape_html, get_url

from customer_lifecycle.customers import completeness
from customer_lifecycle.customers.doctype.customer.customer import site_country_code
from customer_lifecycle.onboarding import items
from customer_lifecycle.portal import access
from customer_lifecycle.portal.reads import (
	ADDRESS_FIELDS,
	CONTACT_FIELDS,
	information_requests,
	linked,
	onboarding,
	own_contact,
	profile,
)
from customer_lifecycle.utils.doctypes import CHECKLIST, CUSTOMER, NOTE
from customer_lifecycle.utils.normalize import PHONE_PROBLEM, normalize_phone


def update_profile(customer: str, values: dict) -> dict:
	"""Change the session user's own contact details. Phone numbers are normalised as the desk
	does for a customer's phone; the contact saves with its own validation. A primary contact's
	phone carries over to the customer (whose own validation runs too)."""
	contact = own_contact(customer, for_update=True)
	for field in CONTACT_FIELDS:
		if field not in values:
			continue
		value = (values.get(field) or "").strip()
		if field in ("phone", "mobile_no"):
			value = checked_phone(contact, field, value)
		elif field == "first_name" and not value:
			frappe.throw(_("{0} is required.").format(frappe.bold(_("First Name"))), frappe.MandatoryError)
		set_contact_value(contact, field, value or None)
	if "marketing_consent" in values:
		contact.marketing_consent = cint(values["marketing_consent"])
		if contact.marketing_consent:
			contact.consent_source = _("Portal")
			# the person consents afresh: an earlier unsubscribe no longer stands
			contact.unsubscribed = 0
	contact.save(ignore_permissions=True)
	if frappe.db.get_value(CUSTOMER, customer, "primary_contact") == contact.name and (
		contact.mobile_no or contact.phone
	):
		doc = frappe.get_doc(CUSTOMER, customer)
		doc.phone = contact.mobile_no or contact.phone
		if doc.has_value_changed("phone"):
			doc.save(ignore_permissions=True)
	return profile(customer)


def checked_phone(contact, field: str, value: str) -> str | None:
	try:
		return normalize_phone(value, site_country_code())
	except ValueError:
		frappe.throw(
			_("{0}: {1} {2}").format(
				frappe.bold(_(contact.meta.get_label(field))),
				frappe.bold(escape_html(value)),
				str(PHONE_PROBLEM).format(frappe.get_system_settings("country") or _("the site's country")),
			),
			frappe.ValidationError,
		)


def set_contact_value(contact, field: str, value) -> None:
	"""Set a contact field; a phone number goes through the contact's phone table, as the desk's
	contact form keeps it (the table is what Contact.validate reads the fields from)."""
	if field not in ("phone", "mobile_no"):
		contact.set(field, value)
		return
	flag = "is_primary_phone" if field == "phone" else "is_primary_mobile_no"
	row = next((r for r in contact.phone_nos if r.get(flag)), None)
	if value and row:
		row.phone = value
	elif value:
		contact.append("phone_nos", {"phone": value, flag: 1})
	elif row:
		row.set(flag, 0)
		if not (row.is_primary_phone or row.is_primary_mobile_no):
			contact.remove(row)
	contact.set(field, value or "")


def save_address(customer: str, name: str | None, values: dict) -> dict:
	"""Change one of the customer's addresses, or add one; the Address saves with its own validation."""
	if name:
		if name not in linked(customer, "Address"):
			access.refuse("Address")
		doc = frappe.get_doc("Address", name)
	else:
		doc = frappe.new_doc("Address")
		doc.address_title = frappe.db.get_value(CUSTOMER, customer, "customer_name")
		doc.append("links", {"link_doctype": CUSTOMER, "link_name": customer})
	for field in ADDRESS_FIELDS:
		if field in values:
			doc.set(field, (values.get(field) or "").strip() or None)
	doc.country = doc.country or frappe.get_system_settings("country")
	for df in doc.meta.fields:
		if df.reqd and df.fieldname in ADDRESS_FIELDS and not doc.get(df.fieldname):
			frappe.throw(_("{0} is required.").format(frappe.bold(_(df.label))), frappe.MandatoryError)
	doc.save(ignore_permissions=True)
	completeness.refresh(customer)
	return profile(customer)


def own_item(customer: str, item: str) -> frappe._dict:
	"""An item the customer answers now: one it provides of its running onboarding round, or one of
	its information requests that are sent and not complete (items.locate)."""
	found = items.locate(item)
	if not found or found.customer != customer or not found.shown:
		access.refuse("item")
	if not found.for_customer:
		frappe.throw(_("This item is for us to do, not for you."), frappe.PermissionError)
	if not found.open:
		frappe.throw(
			_("{0}: {1} is on a {2} that is finished; it takes no more answers.").format(
				frappe.bold(_("Item")), frappe.bold(escape_html(item)), _(found.doctype).lower()
			),
			frappe.PermissionError,
		)
	return found


def page_of(customer: str, doctype: str) -> dict:
	"""What the page the item is on shows after the change."""
	return onboarding(customer) if doctype == CHECKLIST else information_requests(customer)


def answer_item(customer: str, item: str, answer: str) -> dict:
	"""The customer's answer to an item: an answer marks it provided, an empty one takes it back."""
	found = own_item(customer, item)
	items.answer(found.doctype, found.parent, item, answer, ignore_permissions=True)
	return page_of(customer, found.doctype)


def upload_document(customer: str, item: str, filename: str, content: bytes) -> dict:
	"""A document for an item: a private file of the customer's (in its folder), owned by the
	portal user; it marks the item provided."""
	found = own_item(customer, item)
	items.attach(found.doctype, found.parent, item, filename, content, ignore_permissions=True)
	return page_of(customer, found.doctype)


def request_data(customer: str, kind: str) -> str:
	"""A data export or deletion request (Frappe's Personal Data Download / Deletion Request) for the
	session user, noted on the customer for the staff."""
	user = frappe.session.user
	if kind == "export":
		doc = frappe.get_doc(
			{
				"doctype": "Personal Data Download Request",
				"user": user,
				"user_name": frappe.utils.get_fullname(user),
			}
		).insert(ignore_permissions=True)
		text = _("{0} asked for an export of their personal data through the portal.").format(user)
	elif kind == "deletion":
		doc = frappe.get_doc({"doctype": "Personal Data Deletion Request", "email": user}).insert(
			ignore_permissions=True
		)
		text = _("{0} asked for their personal data to be deleted, through the portal ({1}).").format(
			user, get_url(f"/app/personal-data-deletion-request/{doc.name}")
		)
	else:
		frappe.throw(
			_("{0}: {1} is not a kind of request.").format(frappe.bold(_("Kind")), escape_html(kind))
		)
	frappe.get_doc(
		{
			"doctype": NOTE,
			"customer": customer,
			"visibility": "Internal",
			"content": f"<p>{escape_html(text)}</p>",
		}
	).insert(ignore_permissions=True)
	return doc.name
