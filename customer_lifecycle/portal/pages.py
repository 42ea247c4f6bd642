"""What the portal pages show, and what a portal user may change.

Every function takes the customer the page is about, already checked by `access.customer_for`, and
reads only that customer's records. Portal users hold no role permissions on the app's DocTypes, so
reads here bypass role permissions on purpose, always filtered by that customer; writes go through
the records' own controllers (the desk's validation) with permissions bypassed the same way.
"""

import os

import frappe
from frappe import _
from frappe.utils import cint, escape_html, flt, get_url, strip_html
from frappe.utils.html_utils import sanitize_html

from customer_lifecycle.customers import completeness
from customer_lifecycle.customers.doctype.customer.customer import site_country_code
from customer_lifecycle.lifecycle import engine
from customer_lifecycle.onboarding import checklists
from customer_lifecycle.portal import access
from customer_lifecycle.utils.normalize import normalize_phone
from customer_lifecycle.utils.uploads import check_upload

CUSTOMER = access.CUSTOMER
INVOICE = "Customer Invoice"
PAYMENT = "Customer Payment"
ENGAGEMENT = "Engagement"
CHECKLIST = "Onboarding Checklist"
CHECKLIST_ITEM = "Onboarding Checklist Item"
INVOICE_PRINT_FORMAT = "Invoice"
# what a portal user may edit on their contact and on their customer's addresses
CONTACT_FIELDS = ("first_name", "last_name", "phone", "mobile_no")
ADDRESS_FIELDS = (
	"address_type",
	"address_line1",
	"address_line2",
	"city",
	"county",
	"state",
	"pincode",
	"country",
)


# --- reading -----------------------------------------------------------------------------------


def header(customer: str) -> dict:
	"""The customer's name, lifecycle and money figures, and which customers the user can switch to."""
	row = frappe.db.get_value(CUSTOMER, customer, ["name", "customer_name", engine.STATE_FIELD], as_dict=True)
	mine = access.customers_of()
	names = dict(
		frappe.get_all(
			CUSTOMER, filters={"name": ("in", mine)}, fields=["name", "customer_name"], as_list=True
		)
	)
	return {
		"customer": row,
		"choices": [{"name": name, "customer_name": names.get(name, name)} for name in mine],
		"balance": flt(
			frappe.db.get_value(INVOICE, {"customer": customer, "docstatus": 1}, "sum(outstanding_amount)")
		),
		"currency": frappe.db.get_default("currency"),
	}


def overview(customer: str) -> dict:
	checklist = current_checklist(customer)
	items = checklist["items"] if checklist else []
	missing = [item for item in items if item["customer_provides"] and not item["done"]]
	return {
		"missing_items": len(missing),
		"open_invoices": frappe.db.count(
			INVOICE, {"customer": customer, "docstatus": 1, "outstanding_amount": (">", 0)}
		),
		"open_engagements": frappe.db.count(
			ENGAGEMENT, {"customer": customer, "status": ("not in", ("Delivered", "Cancelled"))}
		),
		"notes": frappe.db.count(access.NOTE, {"customer": customer, "visibility": access.VISIBLE_NOTE}),
	}


def own_contact(customer: str):
	"""The session user's Contact linked to the customer."""
	name = frappe.db.get_value(
		"Contact",
		{"user": frappe.session.user, "name": ("in", linked(customer, "Contact"))},
		"name",
	)
	if not name:
		access.refuse()
	return frappe.get_doc("Contact", name)


def linked(customer: str, doctype: str) -> list[str]:
	return frappe.get_all(
		"Dynamic Link",
		filters={"parenttype": doctype, "link_doctype": CUSTOMER, "link_name": customer},
		pluck="parent",
	)


def profile(customer: str) -> dict:
	contact = own_contact(customer)
	addresses = frappe.get_all(
		"Address",
		filters={"name": ("in", linked(customer, "Address")), "disabled": 0},
		fields=["name", "address_title", "is_primary_address", *ADDRESS_FIELDS],
		order_by="is_primary_address desc, creation asc",
	)
	return {
		"contact": {field: contact.get(field) for field in ("name", "email_id", *CONTACT_FIELDS)},
		"marketing_consent": cint(contact.get("marketing_consent")),
		"addresses": addresses,
		"address_types": frappe.get_meta("Address").get_field("address_type").options.split("\n"),
		"default_country": frappe.get_system_settings("country"),
	}


def current_checklist(customer: str) -> dict | None:
	"""The running onboarding round, with only what the portal shows of it."""
	name = checklists.open_round(customer)
	if not name:
		return None
	data = checklists.checklist_data(name)
	keep = (
		"name",
		"title",
		"description",
		"required",
		"customer_provides",
		"due_date",
		"overdue",
		"done",
		"done_on",
		"answer",
		"attachment",
	)
	data["items"] = [{key: item[key] for key in keep} for item in data["items"]]
	return data


def onboarding(customer: str) -> dict:
	checklist = current_checklist(customer)
	if not checklist:
		return {"checklist": None, "to_provide": [], "others": []}
	return {
		"checklist": checklist,
		"to_provide": [item for item in checklist["items"] if item["customer_provides"]],
		# what the firm still does: shown so the customer sees what is still missing overall
		"others": [item for item in checklist["items"] if not item["customer_provides"]],
	}


def invoices(customer: str) -> list[dict]:
	return frappe.get_all(
		INVOICE,
		filters={"customer": customer, "docstatus": 1},
		fields=["name", "posting_date", "due_date", "status", "total", "outstanding_amount", "engagement"],
		order_by="posting_date desc, name desc",
	)


def invoice(name: str) -> dict:
	doc = access.get_own_doc(INVOICE, name)
	payments = frappe.get_all(
		"Customer Payment Allocation",
		filters={"invoice": name, "docstatus": 1, "parenttype": PAYMENT},
		fields=["parent", "allocated_amount"],
		order_by="creation asc",
	)
	dates = dict(
		frappe.get_all(
			PAYMENT,
			filters={"name": ("in", [p.parent for p in payments])},
			fields=["name", "posting_date"],
			as_list=True,
		)
	)
	for row in payments:
		row.posting_date = dates.get(row.parent)
	return {"doc": doc, "payments": payments, "pdf_url": pdf_url(INVOICE, name, INVOICE_PRINT_FORMAT)}


def pdf_url(doctype: str, name: str, print_format: str) -> str:
	from urllib.parse import urlencode

	query = urlencode({"doctype": doctype, "name": name, "format": print_format})
	return f"/api/method/frappe.utils.print_format.download_pdf?{query}"


def payments(customer: str) -> list[dict]:
	return frappe.get_all(
		PAYMENT,
		filters={"customer": customer, "docstatus": 1},
		fields=[
			"name",
			"posting_date",
			"amount",
			"method",
			"reference",
			"allocated_amount",
			"unallocated_amount",
		],
		order_by="posting_date desc, name desc",
	)


def engagements(customer: str) -> list[dict]:
	rows = frappe.get_all(
		ENGAGEMENT,
		filters={"customer": customer, "status": ("!=", "Cancelled")},
		fields=["name", "title", "status", "due_date", "delivered_on", "description"],
		order_by="creation desc",
	)
	invoiced = frappe.get_all(
		INVOICE,
		filters={"customer": customer, "docstatus": 1, "engagement": ("is", "set")},
		fields=["engagement", "sum(total) as total", "sum(outstanding_amount) as outstanding"],
		group_by="engagement",
	)
	by_engagement = {row.engagement: row for row in invoiced}
	for row in rows:
		row.description = strip_html(row.description or "").strip()
		figures = by_engagement.get(row.name)
		row.invoiced = flt(figures.total) if figures else 0
		row.outstanding = flt(figures.outstanding) if figures else 0
	return rows


def notes(customer: str) -> list[dict]:
	rows = frappe.get_all(
		access.NOTE,
		filters={"customer": customer, "visibility": access.VISIBLE_NOTE},
		fields=["name", "content", "creation", "owner", "pinned"],
		order_by="pinned desc, creation desc",
	)
	for row in rows:
		# written in the desk's text editor; cleaned again, the page shows it as it is
		row.content = sanitize_html(row.content or "")
		row.author = frappe.utils.get_fullname(row.owner)
		del row["owner"]
	return rows


# --- changing ----------------------------------------------------------------------------------


def update_profile(customer: str, values: dict) -> dict:
	"""Change the session user's own contact details. Phone numbers are normalised as the desk
	does for a customer's phone; the contact saves with its own validation. A primary contact's
	phone carries over to the customer (whose own validation runs too)."""
	contact = own_contact(customer)
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
			_(
				"{0}: {1} is not a valid phone number (write it with its country code, e.g. +44 20 7946 0958)"
			).format(frappe.bold(_(contact.meta.get_label(field))), frappe.bold(escape_html(value))),
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
			access.refuse()
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


def own_item(customer: str, item: str):
	"""An item of the customer's running onboarding round that the customer provides."""
	row = frappe.db.get_value(
		CHECKLIST_ITEM, {"name": item, "parenttype": CHECKLIST}, ["parent", "customer_provides"], as_dict=True
	)
	if not row or row.parent != checklists.open_round(customer):
		access.refuse()
	if not row.customer_provides:
		frappe.throw(_("This item is for us to do, not for you."), frappe.PermissionError)
	return row


def answer_item(customer: str, item: str, answer: str) -> dict:
	"""The customer's answer to an item: an answer marks it provided, an empty one takes it back."""
	row = own_item(customer, item)
	answer = (answer or "").strip()
	attachment = frappe.db.get_value(CHECKLIST_ITEM, item, "attachment")
	checklists.set_item_done(
		row.parent, item, bool(answer or attachment), answer=answer, ignore_permissions=True
	)
	return onboarding(customer)


def upload_document(customer: str, item: str, filename: str, content: bytes) -> dict:
	"""A document for an item: a private file of the customer's (in its folder), owned by the
	portal user; it marks the item provided."""
	row = own_item(customer, item)
	check_upload(filename, content)
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": os.path.basename(filename),
			"content": content,
			"is_private": 1,
			"attached_to_doctype": CHECKLIST,
			"attached_to_name": row.parent,
			"attached_to_field": "attachment",
		}
	).insert(ignore_permissions=True)
	frappe.db.set_value(CHECKLIST_ITEM, item, "attachment", file.file_url, update_modified=False)
	checklists.set_item_done(row.parent, item, True, ignore_permissions=True)
	return onboarding(customer)


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
			"doctype": access.NOTE,
			"customer": customer,
			"visibility": "Internal",
			"content": f"<p>{escape_html(text)}</p>",
		}
	).insert(ignore_permissions=True)
	return doc.name
