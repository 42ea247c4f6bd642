"""The duplicate check as the desk calls it: with the values typed, before a new customer is saved."""

import frappe

from customer_lifecycle.customers.doctype.customer.customer import site_country_code
from customer_lifecycle.customers.duplicates import find_duplicates
from customer_lifecycle.utils.doctypes import CUSTOMER
from customer_lifecycle.utils.normalize import normalize_email, normalize_phone, normalize_text


@frappe.whitelist(methods=["GET"])
def check(
	customer_name: str | None = None,
	email: str | None = None,
	phone: str | None = None,
	id_number: str | None = None,
	customer: str | None = None,
) -> list[dict]:
	"""Existing customers that may be the one being typed, best first: name, customer_name,
	lifecycle_status, archived, score (0-100), reasons, and blocks (saving would be refused unless
	a Customer Manager overrides). `customer` is the one being edited, left out of the answer.
	Values that are not valid yet (a half-typed email) are not looked up; saving reports them."""
	frappe.has_permission(CUSTOMER, "read", throw=True)
	values = {
		"customer_name": normalize_text(customer_name),
		"email": valid_or_none(normalize_email, email),
		"phone": valid_or_none(normalize_phone, phone, site_country_code()),
		"id_number": normalize_text(id_number),
	}
	# customers the user may not read are left out (saving still refuses an exact match with one,
	# without naming it)
	return [
		{
			key: c[key]
			for key in ("name", "customer_name", "lifecycle_status", "archived", "score", "reasons", "blocks")
		}
		for c in find_duplicates(values, exclude=customer)
		if frappe.has_permission(CUSTOMER, "read", c["name"])
	]


def valid_or_none(normalize, value, *args):
	try:
		return normalize(value, *args)
	except ValueError:
		return None
