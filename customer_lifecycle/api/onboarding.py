"""The customer form's Onboarding tab over HTTP: read a customer's checklists, tick an item."""

import frappe

from customer_lifecycle.onboarding import checklists
from customer_lifecycle.utils.deadlocks import retry_deadlocks
from customer_lifecycle.utils.doctypes import CHECKLIST, CUSTOMER


@frappe.whitelist(methods=["GET"])
def get_onboarding(customer: str) -> dict:
	"""The running round (while the customer is onboarding) and the finished rounds."""
	frappe.has_permission(CUSTOMER, "read", customer, throw=True)
	return checklists.form_data(customer)


@frappe.whitelist(methods=["POST"])
@retry_deadlocks
def set_item_done(checklist: str, item: str, done: bool, answer: str | None = None) -> dict:
	"""Tick (done=1) or untick (done=0) one item, with the customer's answer for an item the customer
	provides. Returns the checklist, the customer's lifecycle state and whether it moved."""
	frappe.has_permission(CHECKLIST, "write", checklist, throw=True)
	return checklists.set_item_done(checklist, item, done, answer)
