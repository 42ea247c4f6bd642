"""A customer's contacts and addresses: Frappe core Contact and Address, linked to the Customer
through their Dynamic Link table (`links`), the way ERPNext links them to its customers.

- A customer saved with an email or phone gets its primary Contact made from them, exactly once:
  the customer's row is locked and re-read before a Contact is made, and a Contact already linked
  is adopted instead of making another.
- A customer given billing address lines gets its billing Address made from them, once; the lines
  on the customer then mirror that Address (for lists, exports and imports).
- One primary contact and one billing address per customer: `primary_contact` and
  `billing_address` on the Customer, set from the first one linked and changeable from either side
  (the customer's field, or "Is Primary Contact" / "Preferred Billing Address" on the record).
"""

import frappe
from frappe import _
from frappe.contacts.address_and_contact import delete_contact_and_address, load_address_and_contact

from customer_lifecycle.customers import completeness
from customer_lifecycle.utils.customer_fields import ADDRESS_LINES
from customer_lifecycle.utils.doctypes import CUSTOMER

LINE_FIELDS = (*ADDRESS_LINES, "country")
# Customer field -> (linked DocType, the record's own "this one is the main one" flag)
PRIMARY = {
	"primary_contact": ("Contact", "is_primary_contact"),
	"billing_address": ("Address", "is_primary_address"),
}
GRAVATAR_SKIP = "__no_gravatar__"


def link_row(customer: dict) -> dict:
	return {
		"link_doctype": CUSTOMER,
		"link_name": customer["name"],
		"link_title": customer.get("customer_name"),
	}


def contact_dict(customer: dict) -> dict:
	"""The primary Contact a customer's values make: a frappe.get_doc dict, children included,
	with the fields Contact.validate derives (full_name, email_id, phone, mobile_no) already set.
	An import may give the person's first and last names and their company's name beside them."""
	name = (customer.get("customer_name") or "").strip()
	person = (customer.get("customer_type") or "Individual") == "Individual"
	first, _sep, last = name.partition(" ") if person else (name, "", "")
	if customer.get("first_name") or customer.get("last_name"):
		# the names as an import file gave them apart, joined in the customer's name
		first, last = customer.get("first_name") or "", customer.get("last_name") or ""
		if not first:
			first, last = last, ""
	email, phone = customer.get("email"), customer.get("phone")
	return {
		"doctype": "Contact",
		"first_name": first,
		"last_name": last or None,
		"full_name": name,
		"company_name": customer.get("company_name") or (None if person else name),
		"status": "Passive",
		"is_primary_contact": 1,
		"email_id": email or "",
		"phone": phone or "",
		"mobile_no": phone or "",
		"email_ids": [{"email_id": email, "is_primary": 1}] if email else [],
		"phone_nos": [{"phone": phone, "is_primary_phone": 1, "is_primary_mobile_no": 1}] if phone else [],
		"links": [link_row(customer)],
	}


def address_dict(customer: dict) -> dict | None:
	"""The billing Address a customer's address lines make (None without a first line)."""
	if not (customer.get("address_line1") or "").strip():
		return None
	return {
		"doctype": "Address",
		"address_title": customer.get("customer_name"),
		"address_type": "Billing",
		**{field: customer.get(field) or None for field in LINE_FIELDS},
		"country": customer.get("country") or frappe.get_system_settings("country"),
		"is_primary_address": 1,
		"links": [link_row(customer)],
	}


def customers_of(doc) -> list[str]:
	"""The customers a Contact or Address is linked to."""
	if not doc:
		return []
	return [row.link_name for row in doc.get("links") or [] if row.link_doctype == CUSTOMER and row.link_name]


def linked_names(doctype: str, customer: str) -> list[str]:
	"""The Contacts (or Addresses) linked to a customer, oldest first."""
	return frappe.get_all(
		"Dynamic Link",
		filters={
			"parenttype": doctype,
			"parentfield": "links",
			"link_doctype": CUSTOMER,
			"link_name": customer,
		},
		pluck="parent",
		order_by="creation asc",
	)


# --- Customer controller ---------------------------------------------------------------------


def load_contacts_and_addresses(doc) -> None:
	"""Customer.onload: the lists the form shows (Frappe's contact and address cards)."""
	load_address_and_contact(doc)


def validate_customer(doc) -> None:
	"""Customer.validate: a chosen primary contact or billing address belongs to this customer;
	billing address lines for a new billing address are complete enough to make one."""
	if not doc.is_new():
		for fieldname, (doctype, _flag) in PRIMARY.items():
			value = doc.get(fieldname)
			if value and doc.has_value_changed(fieldname) and value not in linked_names(doctype, doc.name):
				frappe.throw(
					_("{0}: {1} is not linked to this {2}. Link it first, or choose one that is.").format(
						frappe.bold(_(doc.meta.get_label(fieldname))), frappe.bold(value), _(CUSTOMER)
					),
					frappe.LinkValidationError,
				)
	if doc.billing_address or not any((doc.get(f) or "").strip() for f in LINE_FIELDS if f != "country"):
		return
	doc.country = doc.country or frappe.get_system_settings("country")
	for fieldname in ("address_line1", "city", "country"):
		if not (doc.get(fieldname) or "").strip():
			frappe.throw(
				_("{0} is required for the billing address.").format(
					frappe.bold(_(doc.meta.get_label(fieldname)))
				),
				frappe.MandatoryError,
			)


def sync_customer(doc) -> None:
	"""Customer.on_update: make the primary Contact and billing Address once, and carry a changed
	choice of primary contact or billing address over to the records' own flags."""
	if doc.flags.in_insert:
		make_primaries(doc)
		return
	made = False
	if not doc.primary_contact and (doc.email or doc.phone):
		made |= ensure_primary(doc, "primary_contact", make_contact)
	if not doc.billing_address and (doc.address_line1 or "").strip():
		made |= ensure_primary(doc, "billing_address", make_address)
	before = doc.get_doc_before_save()
	for fieldname in PRIMARY:
		value = doc.get(fieldname)
		if value and before and before.get(fieldname) != value:
			mark_primary(doc.name, fieldname, value)
	if made:
		doc.completeness = completeness.refresh(doc.name)


def make_primaries(doc) -> None:
	"""A customer being inserted: nothing can be linked to it yet, and no other transaction sees its
	row, so its primary Contact and billing Address are made straight away (no locking read), and
	the fields and score are written in one update."""
	values = {}
	if doc.email or doc.phone:
		values["primary_contact"] = make_contact(doc)
	if (doc.address_line1 or "").strip():
		values["billing_address"] = make_address(doc)
	values = {fieldname: name for fieldname, name in values.items() if name}
	if not values:
		return
	doc.update(values)
	completeness.set_score(doc)
	values[completeness.FIELD] = doc.get(completeness.FIELD)
	frappe.db.set_value(CUSTOMER, doc.name, values, update_modified=False)


def ensure_primary(doc, fieldname: str, make) -> bool:
	"""Give the customer its primary record once. The customer's row is locked and its field re-read
	(a locking read sees the latest committed value), so a save that got there first wins; a record
	already linked is adopted. Returns True when the field was set."""
	current = frappe.db.get_value(CUSTOMER, doc.name, fieldname, for_update=True)
	if not current:
		doctype = PRIMARY[fieldname][0]
		linked = linked_names(doctype, doc.name)
		current = linked[0] if linked else make(doc)
	if not current:
		return False
	doc.set(fieldname, current)
	frappe.db.set_value(CUSTOMER, doc.name, fieldname, current, update_modified=False)
	if fieldname == "billing_address":
		mirror_lines(doc.name, current)
	return True


def make_contact(doc) -> str:
	contact = frappe.get_doc(contact_dict(doc.as_dict()))
	contact.flags.from_customer = True
	# no Gravatar lookup: a network call to a third party with a hash of the customer's email
	contact.image = GRAVATAR_SKIP
	contact.insert(ignore_permissions=True)
	return contact.name


def make_address(doc) -> str | None:
	values = address_dict(doc.as_dict())
	if not values:
		return None
	address = frappe.get_doc(values)
	address.flags.from_customer = True
	address.insert(ignore_permissions=True)
	return address.name


def mark_primary(customer: str, fieldname: str, chosen: str) -> None:
	"""The chosen record carries its doctype's primary flag; the customer's other records do not."""
	doctype, flag = PRIMARY[fieldname]
	others = [name for name in linked_names(doctype, customer) if name != chosen]
	frappe.db.set_value(doctype, chosen, flag, 1, update_modified=False)
	if others:
		frappe.db.set_value(doctype, {"name": ("in", others), flag: 1}, flag, 0, update_modified=False)
	if fieldname == "billing_address":
		mirror_lines(customer, chosen)


def mirror_lines(customer: str, address: str) -> None:
	"""Copy the billing Address's lines onto the customer."""
	lines = frappe.db.get_value("Address", address, list(LINE_FIELDS), as_dict=True)
	if lines:
		frappe.db.set_value(CUSTOMER, customer, lines, update_modified=False)


def unlink_customer(doc) -> None:
	"""Customer.on_trash: Contacts and Addresses linked only to this customer go with it; others
	lose their link to it (Frappe's own helper, as ERPNext does for its customers)."""
	frappe.db.set_value(CUSTOMER, doc.name, dict.fromkeys(PRIMARY), update_modified=False)
	frappe.flags.deleting_customer = doc.name
	try:
		delete_contact_and_address(CUSTOMER, doc.name)
	finally:
		frappe.flags.deleting_customer = None


def refresh_customer(customer: str, leaving: str | None = None) -> None:
	"""Re-derive a customer's primary contact, billing address and completeness from what is linked
	to it now (after a merge, or when a linked record changed or went away). `leaving` is a record
	on its way out, counted as unlinked already."""
	values = frappe.db.get_value(CUSTOMER, customer, list(PRIMARY), as_dict=True, for_update=True)
	if not values or customer == frappe.flags.deleting_customer:
		return
	for fieldname, (doctype, flag) in PRIMARY.items():
		linked = [name for name in linked_names(doctype, customer) if name != leaving]
		choice = values.get(fieldname)
		if choice not in linked:
			flagged = (
				frappe.get_all(doctype, filters={"name": ("in", linked), flag: 1}, pluck="name")
				if linked
				else []
			)
			choice = (flagged or linked or [None])[0]
			frappe.db.set_value(CUSTOMER, customer, fieldname, choice, update_modified=False)
		if choice:
			# the choice carries the primary flag, and no other record of the customer does
			mark_primary(customer, fieldname, choice)
	completeness.refresh(customer)


# --- Contact and Address doc_events ------------------------------------------------------------


def after_contact_validate(contact, method=None) -> None:
	"""Contact.validate (after the controller's): drop the marker that skipped the Gravatar lookup."""
	if contact.image == GRAVATAR_SKIP:
		contact.image = None


def on_linked_update(doc, method=None) -> None:
	"""Contact / Address on_update: keep each linked customer's primary record and score right."""
	if doc.flags.from_customer:
		return
	fieldname = primary_field(doc.doctype)
	flag = PRIMARY[fieldname][1]
	before = doc.get_doc_before_save()
	for customer in customers_of(doc):
		current = frappe.db.get_value(CUSTOMER, customer, fieldname, for_update=True)
		if not current or (doc.get(flag) and current != doc.name):
			# the first one linked, or the one now flagged as the main one
			frappe.db.set_value(CUSTOMER, customer, fieldname, doc.name, update_modified=False)
			mark_primary(customer, fieldname, doc.name)
		elif current == doc.name and fieldname == "billing_address":
			mirror_lines(customer, doc.name)
		completeness.refresh(customer)
	# customers this record was unlinked from
	for customer in set(customers_of(before)) - set(customers_of(doc)):
		refresh_customer(customer)


def on_linked_trash(doc, method=None) -> None:
	"""Contact / Address on_trash: a customer whose primary record this was gets the next one."""
	for customer in customers_of(doc):
		# this record's link rows are deleted only after on_trash: leave it out explicitly
		refresh_customer(customer, leaving=doc.name)


def primary_field(doctype: str) -> str:
	return next(field for field, (dt, _flag) in PRIMARY.items() if dt == doctype)
