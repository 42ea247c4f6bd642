"""A customer's payment terms, preferred payment method and billing frequency: its own, else its
category's (Customer Category), else the defaults (30 days after the invoice)."""

import frappe

from customer_lifecycle.billing import rules
from customer_lifecycle.utils.doctypes import CATEGORY, CUSTOMER

TERM_FIELDS = ("payment_terms", "payment_terms_days", "preferred_payment_method", "billing_frequency")


def terms_of(customer: str) -> frappe._dict:
	"""The customer's terms, each from the customer when set there, else from its category."""
	return terms_of_many([customer]).get(customer) or combine({}, {})


def terms_of_many(customers: list[str]) -> dict[str, frappe._dict]:
	"""terms_of for each of many customers, in two queries (the customers, then their categories)."""
	own = frappe.get_all(
		CUSTOMER,
		filters={"name": ("in", list(set(customers)) or [""])},
		fields=["name", *TERM_FIELDS, "customer_category"],
	)
	categories = {row.customer_category for row in own if row.customer_category}
	by_category = {
		row.name: row
		for row in (
			frappe.get_all(
				CATEGORY, filters={"name": ("in", list(categories))}, fields=["name", *TERM_FIELDS]
			)
			if categories
			else []
		)
	}
	return {row.name: combine(row, by_category.get(row.customer_category) or {}) for row in own}


def combine(own: dict, category: dict) -> frappe._dict:
	"""Each term from the customer when set there, else from its category; payment terms and their
	days come together, from whichever sets the terms."""
	terms = frappe._dict()
	for field in ("preferred_payment_method", "billing_frequency"):
		terms[field] = own.get(field) or category.get(field)
	source = own if own.get("payment_terms") else category
	terms.payment_terms = source.get("payment_terms")
	terms.payment_terms_days = source.get("payment_terms_days")
	return terms


def due_date_for(customer: str, posting):
	"""When an invoice of this customer posted on `posting` is due, by its terms."""
	return due_date_by(terms_of(customer), posting)


def due_date_by(terms: dict, posting):
	"""When an invoice posted on `posting` is due, by these terms (terms_of's)."""
	return rules.due_date(
		frappe.utils.getdate(posting), terms.get("payment_terms"), terms.get("payment_terms_days")
	)
