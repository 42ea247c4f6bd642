"""Whitelisted methods for single customers."""

import frappe

from customer_lifecycle.customers import archive
from customer_lifecycle.utils.deadlocks import retry_deadlocks


@frappe.whitelist(methods=["POST"])
@retry_deadlocks
def set_archived(customer: str, archived: bool) -> dict:
	"""Archive or restore a customer. Its lifecycle state stays as it was."""
	doc = archive.set_archived(customer, archived)
	return {"name": doc.name, "archived": doc.archived}
