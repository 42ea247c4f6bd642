"""Make the reports of every customer Prepared Reports on sites made before they were: a migrate
keeps a site's own `prepared_report` flag of a standard Report, whatever its JSON says."""

import frappe

from customer_lifecycle.analytics.queries import PREPARED_REPORTS


def execute():
	for report in PREPARED_REPORTS:
		if frappe.db.exists("Report", report):
			frappe.db.set_value("Report", report, "prepared_report", 1)
