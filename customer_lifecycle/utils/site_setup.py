"""Site preparation for the demo and test sites: past the setup wizard, scheduler as asked."""

import frappe


def complete_setup_wizard(country: str = "United Kingdom", timezone: str = "Europe/London") -> bool:
	"""Finish Frappe's setup wizard so the desk opens, for a firm in `country` (its currency is
	the country's, from Frappe's country data). Returns False when it was already done."""
	if frappe.db.get_single_value("System Settings", "setup_complete"):
		return False
	from frappe.desk.page.setup_wizard.setup_wizard import setup_complete
	from frappe.geo.country_info import get_country_info

	setup_complete(
		{
			"language": "English",
			"country": country,
			"timezone": timezone,
			"currency": get_country_info(country).get("currency"),
			"full_name": "Administrator",
			"email": "admin@example.com",
			"password": "admin",
		}
	)
	frappe.db.commit()
	return True
