# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

"""At-Risk Customers: the customers analytics.at_risk finds, each listed with its reasons.

It reads every customer's invoices, payments and activity, and each invoice of the last two quarters
is looked up in the payments' allocations: at 100k customers with 1M invoices that takes several
seconds, so the report is a Prepared Report, run in the background and read when done. The nightly
segments job stores who it lists with its default settings on Customer (`at_risk`), which the list
filters by and the workspace's number card counts.
"""

import frappe
from frappe import _

from customer_lifecycle.analytics import at_risk
from customer_lifecycle.utils.doctypes import CUSTOMER


def execute(filters=None):
	filters = frappe._dict(filters or {})
	return columns(), at_risk.data(filters)


def columns() -> list[dict]:
	return [
		{
			"fieldname": "customer",
			"label": _("Customer"),
			"fieldtype": "Link",
			"options": CUSTOMER,
			"width": 160,
		},
		{"fieldname": "customer_name", "label": _("Customer Name"), "fieldtype": "Data", "width": 180},
		{"fieldname": "lifecycle_status", "label": _("Lifecycle Status"), "fieldtype": "Data", "width": 110},
		{"fieldname": "reasons", "label": _("Reasons"), "fieldtype": "Data", "width": 280},
		{"fieldname": "reason_count", "label": _("Reason Count"), "fieldtype": "Int", "width": 90},
		{"fieldname": "last_activity_on", "label": _("Last Activity"), "fieldtype": "Date", "width": 110},
		{"fieldname": "overdue_invoices", "label": _("Overdue Invoices"), "fieldtype": "Int", "width": 100},
		{"fieldname": "overdue_amount", "label": _("Overdue Amount"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "late_paid_invoices", "label": _("Paid Late"), "fieldtype": "Int", "width": 90},
		{
			"fieldname": "revenue_this_quarter",
			"label": _("Revenue, Last 90 Days"),
			"fieldtype": "Currency",
			"width": 130,
		},
		{
			"fieldname": "revenue_last_quarter",
			"label": _("Revenue, 90 Days Before"),
			"fieldtype": "Currency",
			"width": 130,
		},
		{"fieldname": "last_invoice_on", "label": _("Last Invoice"), "fieldtype": "Date", "width": 110},
	]
