"""Customer Profitability is a Prepared Report (over every customer it cannot open in 2 s at 100k
customers): a site that installed it while it still ran live keeps its own prepared_report flag
through a migrate, so it is set here."""

import frappe

REPORT = "Customer Profitability"


def execute():
	if frappe.db.exists("Report", REPORT):
		frappe.db.set_value("Report", REPORT, "prepared_report", 1)
