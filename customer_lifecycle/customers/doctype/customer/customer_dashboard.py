"""The customer form's Connections: the documents linked to a customer, by group."""

from frappe import _


def get_data():
	return {
		"fieldname": "customer",
		# tasks and attachments point at the customer through a dynamic link
		"non_standard_fieldnames": {"ToDo": "reference_name", "File": "attached_to_name"},
		"dynamic_links": {
			"reference_name": ["Customer", "reference_type"],
			"attached_to_name": ["Customer", "attached_to_doctype"],
		},
		"transactions": [
			{"label": _("Lifecycle"), "items": ["Customer Lifecycle Change"]},
			{"label": _("Onboarding"), "items": ["Onboarding Checklist", "Information Request"]},
			{"label": _("Billing"), "items": ["Engagement", "Customer Invoice", "Customer Payment"]},
			{"label": _("Service"), "items": ["Service Subscription"]},
			{"label": _("Notes & Flags"), "items": ["Customer Note", "Customer Flag"]},
			{"label": _("Tasks & Files"), "items": ["ToDo", "File"]},
			{"label": _("Documents"), "items": ["Generated Document"]},
		],
	}
