"""Customer Lifetime Value and At-Risk Customers read the figures stored on each customer since this
version, so they run live again: a migrate keeps a site's own prepared_report flag, so it is set here."""

import frappe

from customer_lifecycle.analytics.queries import LIVE_REPORTS


def execute():
	for report in LIVE_REPORTS:
		if frappe.db.exists("Report", report):
			frappe.db.set_value("Report", report, "prepared_report", 0)
