"""Data rights over HTTP: anonymizing a customer.

`anonymize` is the only way into the anonymized state (privacy.validate_anonymize refuses the
workflow action otherwise): the customer's name must be typed to confirm, the workflow action is
applied as any other lifecycle action (its roles and conditions hold), and the personal data is
removed in the same transaction.
"""

import frappe

from customer_lifecycle.api.lifecycle import apply_action
from customer_lifecycle.customers import privacy
from customer_lifecycle.lifecycle.engine import CUSTOMER


@frappe.whitelist(methods=["POST"])
def anonymize(customer: str, confirm_name: str) -> dict:
	"""Anonymize a customer for good, once its name was typed to confirm: {name, lifecycle_status,
	removed: counts by kind}."""
	frappe.has_permission(CUSTOMER, "write", customer, throw=True)
	doc = frappe.get_doc(CUSTOMER, customer)
	privacy.check_confirmation(doc, confirm_name)
	action = privacy.check_can_anonymize(doc)
	with privacy.confirmed(doc.name):
		result = apply_action(doc.name, action, privacy.anonymized_reason())
	removed = privacy.scrub(doc.name)
	return {**result, "removed": removed}


@frappe.whitelist(methods=["GET"])
def anonymize_action(customer: str) -> str | None:
	"""The workflow action that would anonymize this customer now for the current user (the desk
	asks for the name before it), or None."""
	frappe.has_permission(CUSTOMER, "read", customer, throw=True)
	return privacy.anonymize_action(frappe.get_doc(CUSTOMER, customer))
