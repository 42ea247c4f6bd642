"""The customer form's Connections: the documents linked to a customer, by group.

A DocType named in the dashboard must exist, or the form fails to load; modules written later
(onboarding, notes and flags, billing) therefore appear here once their DocType is installed.
Frappe caches the result with the form's meta, which `bench migrate` clears.
"""

import frappe
from frappe import _


def get_data():
	groups = (
		(_("Lifecycle"), ("Customer Lifecycle Change",)),
		(_("Onboarding"), ("Onboarding Checklist",)),
		(_("Notes & Flags"), ("Customer Note", "Customer Flag")),
		(_("Tasks & Files"), ("ToDo", "File")),
	)
	wanted = [doctype for _label, items in groups for doctype in items]
	existing = set(frappe.get_all("DocType", filters={"name": ("in", wanted)}, pluck="name"))
	transactions = []
	for label, items in groups:
		present = [doctype for doctype in items if doctype in existing]
		if present:
			transactions.append({"label": label, "items": present})
	return {
		"fieldname": "customer",
		# tasks and attachments point at the customer through a dynamic link
		"non_standard_fieldnames": {"ToDo": "reference_name", "File": "attached_to_name"},
		"dynamic_links": {
			"reference_name": ["Customer", "reference_type"],
			"attached_to_name": ["Customer", "attached_to_doctype"],
		},
		"transactions": transactions,
	}
