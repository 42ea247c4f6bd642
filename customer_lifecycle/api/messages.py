"""Messages to chosen customers (Frappe's Newsletter and Email Group): the preview and the draft.

Both need the rights to make a Newsletter and an Email Group (Customer Managers have them, and
Frappe's Newsletter Manager); the customers counted are only those the user may read."""

import frappe

from customer_lifecycle.customers import messages
from customer_lifecycle.utils.args import json_arg
from customer_lifecycle.utils.doctypes import CUSTOMER


def check_rights() -> None:
	frappe.has_permission(CUSTOMER, "read", throw=True)
	for doctype in ("Newsletter", "Email Group"):
		frappe.has_permission(doctype, "create", throw=True)


@frappe.whitelist(methods=["GET", "POST"])
def preview(selection: str | dict) -> dict:
	"""How many of the chosen customers' contacts the message would reach, and how many are left out
	and why: {customers, contacts, included, left_out: {no_email, unsubscribed, no_consent},
	customers_without_contacts}."""
	check_rights()
	return messages.summary(messages.audience(json_arg(selection, "selection", dict) or {}))


@frappe.whitelist(methods=["POST"])
def make_newsletter(selection: str | dict, subject: str) -> dict:
	"""An Email Group of those contacts and a draft Newsletter to it: the preview's figures with
	{email_group, newsletter}."""
	check_rights()
	return messages.make_newsletter(json_arg(selection, "selection", dict) or {}, subject)
