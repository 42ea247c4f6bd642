"""Data rights over HTTP: anonymizing a customer.

`anonymize` is the only way into the anonymized state (privacy/anonymize.py).
"""

import frappe

from customer_lifecycle.privacy import anonymize as anonymizing
from customer_lifecycle.utils.doctypes import CUSTOMER


@frappe.whitelist(methods=["POST"])
def anonymize(customer: str, confirm_name: str) -> dict:
	"""Anonymize a customer for good, once its name was typed to confirm: {name, lifecycle_status,
	removed: counts by kind}."""
	frappe.has_permission(CUSTOMER, "write", customer, throw=True)
	return anonymizing.anonymize(customer, confirm_name)


@frappe.whitelist(methods=["GET"])
def anonymize_action(customer: str) -> str | None:
	"""The workflow action that would anonymize this customer now for the current user (the desk
	asks for the name before it), or None."""
	frappe.has_permission(CUSTOMER, "read", customer, throw=True)
	return anonymizing.anonymize_action(frappe.get_doc(CUSTOMER, customer))
