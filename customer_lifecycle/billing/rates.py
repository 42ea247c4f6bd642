"""Customer-specific rates: a `Customer Rate` for the customer wins over one for its category (a
category price list); an invoice row with an item code and no rate takes the rate found."""

import frappe
from frappe import _
from frappe.utils import flt

from customer_lifecycle.utils.doctypes import RATE


def find_rates(customer: str, item_codes: list[str]) -> dict[str, frappe._dict]:
	"""The rate row for each item code (customer's first, then its category's), in one query."""
	if not item_codes:
		return {}
	category = frappe.db.get_value("Customer", customer, "customer_category")
	rows = frappe.get_all(
		RATE,
		filters={"item_code": ("in", list(set(item_codes)))},
		or_filters={"customer": customer, "customer_category": category or "\0"},
		fields=["item_code", "rate", "description", "customer"],
	)
	found = {}
	# customer rates are read last, so they win
	for row in sorted(rows, key=lambda r: bool(r.customer)):
		found[row.item_code] = row
	return found


def fill_rates(invoice) -> None:
	"""Give rows with an item code but no rate (and no description) the customer's rate for it."""
	wanted = [row.item_code for row in invoice.items if row.item_code and not row.rate]
	rates = find_rates(invoice.customer, wanted)
	for row in invoice.items:
		match = rates.get(row.item_code) if not row.rate else None
		if match:
			row.rate = match.rate
			row.description = row.description or match.description or row.item_code


def check_not_negative(doc, *fields: str) -> None:
	"""Refuse a negative rate, naming its field (Customer Rate, Billing Activity, Staff Rate)."""
	for field in fields:
		if flt(doc.get(field)) < 0:
			frappe.throw(
				_("{0} cannot be negative.").format(frappe.bold(_(doc.meta.get_label(field)))),
				title=_("Invalid Rate"),
			)
