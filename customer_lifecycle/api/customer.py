"""Whitelisted methods for single customers."""

import frappe

from customer_lifecycle.customers import archive


@frappe.whitelist(methods=["POST"])
def set_archived(customer: str, archived: bool) -> dict:
	"""Archive or restore a customer. Its lifecycle state stays as it was."""
	doc = archive.set_archived(customer, archived)
	return {"name": doc.name, "archived": doc.archived}
