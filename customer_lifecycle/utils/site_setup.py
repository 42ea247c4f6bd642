"""Site preparation for the demo and test sites: past the setup wizard, scheduler as asked."""

import frappe


def complete_setup_wizard(country: str = "United Kingdom", timezone: str = "Europe/London") -> bool:
	"""Finish Frappe's setup wizard so the desk opens. Returns False when it was already done."""
	if frappe.db.get_single_value("System Settings", "setup_complete"):
		return False
	from frappe.desk.page.setup_wizard.setup_wizard import setup_complete

	setup_complete(
		{
			"language": "English",
			"country": country,
			"timezone": timezone,
			"currency": "GBP",
			"full_name": "Administrator",
			"email": "admin@example.com",
			"password": "admin",
		}
	)
	frappe.db.commit()
	return True
