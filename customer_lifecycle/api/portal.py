"""The customer portal's calls, and the desk's invite / revoke of portal logins.

Portal calls take an optional `customer` (for a person who belongs to several) and act only on the
session user's own customers: `access.customer_for` refuses anyone else's with a PermissionError
(HTTP 403), and guests are refused by Frappe before any of this runs. Desk calls need a Customer
Manager with write permission on the contact's customer.
"""

import frappe
from frappe import _

from customer_lifecycle.portal import access, users, writes
from customer_lifecycle.utils.doctypes import CUSTOMER
from customer_lifecycle.utils.uploads import uploaded_file

MANAGER_ROLES = ("Customer Manager", "System Manager")


# --- desk --------------------------------------------------------------------------------------


def check_manager_of_contact(contact: str) -> None:
	# (not frappe.only_for, which lets everyone through in test mode)
	if not set(MANAGER_ROLES).intersection(frappe.get_roles()):
		frappe.throw(_("Only a Customer Manager gives or takes portal access."), frappe.PermissionError)
	doc = frappe.get_doc("Contact", contact)
	customers = access.customers_of_doc(doc) or [None]
	for customer in customers:
		if not customer:
			frappe.throw(
				_("{0} {1} is not linked to any {2}.").format(_("Contact"), frappe.bold(contact), _(CUSTOMER))
			)
		frappe.has_permission(CUSTOMER, "write", customer, throw=True)


@frappe.whitelist(methods=["GET"])
def get_portal_access(customer: str) -> list[dict]:
	"""The customer's contacts, with who has a portal login."""
	frappe.has_permission(CUSTOMER, "read", customer, throw=True)
	return users.access_rows(customer)


@frappe.whitelist(methods=["POST"])
def invite(contact: str) -> list[dict]:
	"""Give a contact a portal login (Frappe's welcome email); returns the customer's access rows."""
	check_manager_of_contact(contact)
	users.invite(contact)
	return users.access_rows(access.customers_of_doc(frappe.get_doc("Contact", contact))[0])


@frappe.whitelist(methods=["POST"])
def revoke(contact: str) -> list[dict]:
	"""Take a contact's portal login away; returns the customer's access rows."""
	check_manager_of_contact(contact)
	users.revoke(contact)
	return users.access_rows(access.customers_of_doc(frappe.get_doc("Contact", contact))[0])


# --- portal ------------------------------------------------------------------------------------


@frappe.whitelist(methods=["POST"])
def update_profile(
	first_name: str | None = None,
	last_name: str | None = None,
	phone: str | None = None,
	mobile_no: str | None = None,
	marketing_consent: int | None = None,
	customer: str | None = None,
) -> dict:
	"""Change the user's own contact details (fields not sent stay as they are)."""
	sent = {
		"first_name": first_name,
		"last_name": last_name,
		"phone": phone,
		"mobile_no": mobile_no,
		"marketing_consent": marketing_consent,
	}
	return writes.update_profile(
		access.customer_for(customer), {k: v for k, v in sent.items() if v is not None}
	)


@frappe.whitelist(methods=["POST"])
def save_address(
	address: str | None = None,
	address_type: str | None = None,
	address_line1: str | None = None,
	address_line2: str | None = None,
	city: str | None = None,
	county: str | None = None,
	state: str | None = None,
	pincode: str | None = None,
	country: str | None = None,
	customer: str | None = None,
) -> dict:
	"""Change one of the customer's addresses (by name), or add one (no name)."""
	values = {
		"address_type": address_type or "Billing",
		"address_line1": address_line1,
		"address_line2": address_line2,
		"city": city,
		"county": county,
		"state": state,
		"pincode": pincode,
		"country": country,
	}
	return writes.save_address(access.customer_for(customer), address, values)


@frappe.whitelist(methods=["POST"])
def answer_item(item: str, answer: str | None = None, customer: str | None = None) -> dict:
	"""Answer an item the customer provides: of its onboarding round or of one of its information
	requests (an empty answer takes it back)."""
	return writes.answer_item(access.customer_for(customer), item, answer or "")


@frappe.whitelist(methods=["POST"])
def upload_document(item: str, customer: str | None = None) -> dict:
	"""Upload a document for an item of the customer's onboarding round or of one of its information
	requests (multipart form, the file in `file`)."""
	customer = access.customer_for(customer)
	return writes.upload_document(customer, item, *uploaded_file())


@frappe.whitelist(methods=["POST"])
def request_data(kind: str, customer: str | None = None) -> str:
	"""Ask for an export ("export") or the deletion ("deletion") of the user's personal data."""
	return writes.request_data(access.customer_for(customer), kind)
