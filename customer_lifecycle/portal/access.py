"""Who a portal user is, and what they may reach.

A customer's people log in as Frappe website users. A user belongs to a customer through a Contact
linked to that Customer (Dynamic Link) whose `user` is them and whose `portal_access` a Customer
Manager turned on (portal/users.py), and only while the user holds the portal role: Frappe links a
Contact to any User with its email by itself, so the link alone gives nothing. One person may belong
to several customers. An anonymized customer has no portal.

Staff (system users) are not affected by anything here: every check answers "no opinion" for them
and their role permissions decide. For website users every route is closed to other customers'
records, whatever roles an admin gives them:

- `has_permission` (hooks.py has_permission): refuses any document of a customer that is not
  theirs (an Event is its participants' customers'; one with none is no customer's), internal notes
  and generated documents not shared on the portal; REST, `frappe.client`, form loads and file
  downloads all ask it;
- `query_conditions` (hooks.py permission_query_conditions): lists, reports and counts of those
  DocTypes only hold their customers' records;
- `has_website_permission` (hooks.py has_website_permission): what portal pages and the print
  view / PDF download allow: their customers' records only, submitted invoices and payments,
  customer-visible notes, information requests once sent and the generated documents shared on
  the portal.

Portal pages and the portal API reach records through `customer_for` and `get_own_doc`, which apply
the same rules.
"""

import frappe
from frappe import _

from customer_lifecycle.lifecycle import engine
from customer_lifecycle.onboarding.rules import DRAFT
from customer_lifecycle.utils.doctypes import (
	CUSTOMER,
	GENERATED_DOCUMENT,
	EVENT,
	NOTE,
	PORTAL_ROLE,
	REQUEST,
	STATE_FIELD,
	SUBSCRIPTION,
)

VISIBLE_NOTE = "Customer-visible"
# the DocTypes a portal shows, and the field that names their customer (None: the record is one)
CUSTOMER_FIELD = {
	CUSTOMER: None,
	"Customer Invoice": "customer",
	"Customer Payment": "customer",
	"Engagement": "customer",
	NOTE: "customer",
	"Onboarding Checklist": "customer",
	GENERATED_DOCUMENT: "customer",
	REQUEST: "customer",
	SUBSCRIPTION: "customer",
}
# Frappe's own records, linked to customers through their Dynamic Link table
LINKED = ("Contact", "Address")
# Frappe's Event: its customers are its participants (a service visit's is its subscription's customer)
PARTICIPANTS = {EVENT: ("event_participants", "Event Participants")}
# submittable records a portal shows once submitted, never as drafts
SUBMITTED_ONLY = frozenset({"Customer Invoice", "Customer Payment"})


def is_portal_user(user: str | None = None) -> bool:
	"""A website user (Guest included): the rules of this module apply to them."""
	user = user or frappe.session.user
	if user == "Administrator":
		return False
	return frappe.get_cached_value("User", user, "user_type") != "System User"


def customers_of(user: str | None = None) -> list[str]:
	"""The customers a user belongs to through their Contacts (none for Guest, staff or an
	anonymized customer), cached for the request."""
	user = user or frappe.session.user
	cache = request_cache()
	if user not in cache:
		has_role = user != "Guest" and PORTAL_ROLE in frappe.get_roles(user)
		cache[user] = query_customers(user) if has_role else []
	return cache[user]


def request_cache() -> dict:
	if getattr(frappe.local, "portal_customers", None) is None:
		frappe.local.portal_customers = {}
	return frappe.local.portal_customers


def contact_links() -> tuple:
	"""The query of Contacts joined to their links to customers, and its Contact and Dynamic Link
	tables: a user's customers (query_customers) and a customer's contacts (users.access_rows) are
	both read from it."""
	contact = frappe.qb.DocType("Contact")
	link = frappe.qb.DocType("Dynamic Link")
	query = (
		frappe.qb.from_(contact)
		.join(link)
		.on((link.parent == contact.name) & (link.parenttype == "Contact") & (link.link_doctype == CUSTOMER))
	)
	return query, contact, link


def query_customers(user: str) -> list[str]:
	customer = frappe.qb.DocType(CUSTOMER)
	query, contact, link = contact_links()
	query = (
		query.join(customer)
		.on(customer.name == link.link_name)
		.select(customer.name)
		.distinct()
		.where((contact.user == user) & (contact.portal_access == 1))
		.orderby(customer.name)
	)
	anonymized = engine.get_settings().anonymized_state
	if anonymized:
		query = query.where(customer[STATE_FIELD] != anonymized)
	return [row[0] for row in query.run()]


def forget(user: str | None = None) -> None:
	"""Drop the request's cached customers (after access was given or taken)."""
	cache = request_cache()
	if user:
		cache.pop(user, None)
	else:
		cache.clear()


def customer_for(customer: str | None = None) -> str:
	"""The customer a portal page or call is about: the one asked for if it is the session user's,
	else their first. Raises PermissionError for anyone without a customer, and for another's."""
	if frappe.session.user == "Guest":
		frappe.throw(_("Please log in to see this page."), frappe.PermissionError)
	mine = customers_of()
	if not mine:
		frappe.throw(_("Your login is not linked to any {0}.").format(_(CUSTOMER)), frappe.PermissionError)
	if customer and customer not in mine:
		refuse(CUSTOMER)
	return customer or mine[0]


def refuse(doctype: str):
	"""Refuse a record that is not the user's, existing or not, naming what kind of record it is (the
	argument at fault) and nothing of the record."""
	frappe.throw(_("You do not have access to this {0}.").format(_(doctype)), frappe.PermissionError)


def customers_of_doc(doc) -> list[str]:
	"""The customers a record belongs to (empty for a record that is no customer's)."""
	if doc.doctype in LINKED:
		return [row.link_name for row in doc.get("links") or [] if row.link_doctype == CUSTOMER]
	if doc.doctype in PARTICIPANTS:
		table = PARTICIPANTS[doc.doctype][0]
		return [row.reference_docname for row in doc.get(table) or [] if row.reference_doctype == CUSTOMER]
	field = CUSTOMER_FIELD.get(doc.doctype, "customer")
	value = doc.name if field is None else doc.get(field)
	return [value] if value else []


def shows_on_portal(doc) -> bool:
	"""Whether a record of the user's customer is one the portal shows."""
	if doc.doctype == NOTE:
		return doc.get("visibility") == VISIBLE_NOTE
	if doc.doctype == GENERATED_DOCUMENT:
		return bool(doc.get("shared_on_portal"))
	if doc.doctype in SUBMITTED_ONLY:
		return doc.get("docstatus") == 1
	if doc.doctype == REQUEST:
		# an information request is the customer's once sent: its drafts are the staff's
		return doc.get("status") != DRAFT
	return True


def is_own(doc, user: str | None = None) -> bool:
	mine = set(customers_of(user))
	return bool(mine.intersection(customers_of_doc(doc))) and shows_on_portal(doc)


def get_own_doc(doctype: str, name: str, for_update: bool = False):
	"""A record of the session user's customers (PermissionError for any other, existing or not,
	so that ids of other customers' records cannot be probed)."""
	if not name or not frappe.db.exists(doctype, name):
		refuse(doctype)
	doc = frappe.get_doc(doctype, name, for_update=for_update)
	if not is_own(doc):
		refuse(doctype)
	return doc


# --- hooks -----------------------------------------------------------------------------------


def has_permission(doc, ptype=None, user=None, debug=False) -> bool | None:
	"""hooks.py has_permission: a website user never gets another customer's record (nor an internal
	note, nor a draft invoice). No opinion otherwise: role permissions decide."""
	user = user or frappe.session.user
	if not is_portal_user(user):
		return None
	return None if is_own(doc, user) else False


def has_website_permission(doc, ptype=None, user=None, verbose=False) -> bool:
	"""hooks.py has_website_permission: portal pages and the PDF download of a user's own records."""
	user = user or frappe.session.user
	if not is_portal_user(user):
		return False
	return is_own(doc, user)


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""hooks.py permission_query_conditions: a website user's lists hold their customers' records."""
	user = user or frappe.session.user
	if not doctype or not is_portal_user(user):
		return ""
	mine = customers_of(user)
	if not mine:
		return "1=0"
	names = ", ".join(frappe.db.escape(name) for name in mine)
	table = f"`tab{doctype}`"
	if doctype in LINKED:
		return (
			f"exists (select 1 from `tabDynamic Link` portal_link where portal_link.parent = {table}.name"
			f" and portal_link.parenttype = {frappe.db.escape(doctype)}"
			f" and portal_link.link_doctype = {frappe.db.escape(CUSTOMER)} and portal_link.link_name in ({names}))"
		)
	if doctype in PARTICIPANTS:
		child = PARTICIPANTS[doctype][1]
		return (
			f"exists (select 1 from `tab{child}` portal_participant where portal_participant.parent = {table}.name"
			f" and portal_participant.parenttype = {frappe.db.escape(doctype)}"
			f" and portal_participant.reference_doctype = {frappe.db.escape(CUSTOMER)}"
			f" and portal_participant.reference_docname in ({names}))"
		)
	field = CUSTOMER_FIELD.get(doctype, "customer") or "name"
	condition = f"{table}.`{field}` in ({names})"
	if doctype == NOTE:
		condition += f" and {table}.visibility = {frappe.db.escape(VISIBLE_NOTE)}"
	elif doctype in SUBMITTED_ONLY:
		condition += f" and {table}.docstatus = 1"
	elif doctype == GENERATED_DOCUMENT:
		condition += f" and {table}.shared_on_portal = 1"
	elif doctype == REQUEST:
		condition += f" and {table}.status != {frappe.db.escape(DRAFT)}"
	return condition
