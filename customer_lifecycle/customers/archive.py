"""Archiving a customer: it leaves the default list and link searches and keeps its lifecycle and
records; restoring brings it back. Both show on the customer's timeline."""

import frappe
from frappe import _

from customer_lifecycle.utils.doctypes import CUSTOMER


def set_archived(customer: str, archived: bool):
	"""Archive or restore a customer the user may write; returns the customer."""
	frappe.has_permission(CUSTOMER, "write", customer, throw=True)
	doc = frappe.get_doc(CUSTOMER, customer)
	value = 1 if frappe.utils.sbool(archived) else 0
	if doc.archived != value:
		doc.archived = value
		doc.save()
		doc.add_comment("Info", _("Archived") if doc.archived else _("Restored from the archive"))
	return doc
