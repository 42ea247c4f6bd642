# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

"""At-Risk Customers: the customers analytics.at_risk finds, each listed with its reasons.

It reads every customer's invoices, payments and activity, and each invoice of the last two quarters
is looked up in the payments' allocations: at 100k customers with 1M invoices that takes several
seconds, so the report is a Prepared Report, run in the background and read when done. The nightly
segments job stores who it lists with its default settings on Customer (`at_risk`), which the list
filters by and the workspace's number card counts.
"""

from frappe import _

from customer_lifecycle.analytics import at_risk
from customer_lifecycle.utils import replica
from customer_lifecycle.utils import report_columns as col


@replica.report
def execute(filters):
	return columns(), at_risk.data(filters)


def columns() -> list[dict]:
	return [
		*col.customer_columns(160, 180),
		col.data("lifecycle_status", _("Lifecycle Status"), 110),
		col.data("reasons", _("Reasons"), 280),
		col.integer("reason_count", _("Reason Count"), 90),
		col.date("last_activity_on", _("Last Activity")),
		col.integer("overdue_invoices", _("Overdue Invoices"), 100),
		col.currency("overdue_amount", _("Overdue Amount")),
		col.integer("late_paid_invoices", _("Paid Late"), 90),
		col.currency("revenue_this_quarter", _("Revenue, Last 90 Days"), 130),
		col.currency("revenue_last_quarter", _("Revenue, 90 Days Before"), 130),
		col.date("last_invoice_on", _("Last Invoice")),
	]
