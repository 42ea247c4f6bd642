"""A customer's payment terms, preferred payment method and billing frequency: its own, else its
category's (Customer Category), else the defaults (30 days after the invoice)."""

import frappe

from customer_lifecycle.billing import rules
from customer_lifecycle.utils.doctypes import CATEGORY, CUSTOMER

TERM_FIELDS = ("payment_terms", "payment_terms_days", "preferred_payment_method", "billing_frequency")


def terms_of(customer: str) -> frappe._dict:
	"""The customer's terms, each from the customer when set there, else from its category."""
	own = frappe.db.get_value(CUSTOMER, customer, [*TERM_FIELDS, "customer_category"], as_dict=True) or {}
	category = (
		frappe.db.get_value(CATEGORY, own.get("customer_category"), list(TERM_FIELDS), as_dict=True)
		if own.get("customer_category")
		else None
	) or {}
	terms = frappe._dict()
	for field in ("preferred_payment_method", "billing_frequency"):
		terms[field] = own.get(field) or category.get(field)
	source = own if own.get("payment_terms") else category
	terms.payment_terms = source.get("payment_terms")
	terms.payment_terms_days = source.get("payment_terms_days")
	return terms


def due_date_for(customer: str, posting):
	"""When an invoice of this customer posted on `posting` is due, by its terms."""
	terms = terms_of(customer)
	return rules.due_date(frappe.utils.getdate(posting), terms.payment_terms, terms.payment_terms_days)
