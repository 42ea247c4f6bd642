"""Whitelisted methods for single customers."""

import frappe
from frappe import _

CUSTOMER = "Customer"


@frappe.whitelist(methods=["POST"])
def set_archived(customer: str, archived: bool) -> dict:
	"""Archive or restore a customer. Its lifecycle state stays as it was."""
	frappe.has_permission(CUSTOMER, "write", customer, throw=True)
	doc = frappe.get_doc(CUSTOMER, customer)
	value = 1 if frappe.utils.sbool(archived) else 0
	if doc.archived != value:
		doc.archived = value
		doc.save()
		doc.add_comment("Info", _("Archived") if doc.archived else _("Restored from the archive"))
	return {"name": doc.name, "archived": doc.archived}
