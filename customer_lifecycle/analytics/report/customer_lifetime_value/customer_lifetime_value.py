# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

"""Customer Lifetime Value: for each customer with submitted invoices or payments, its total revenue,
invoice count, average invoice, first and last invoice, what it paid and when it last paid, what it
still owes, and its payment behaviour (queries.payment_behaviour).

Four queries whatever the number of customers (queries.customer_figures): three aggregates GROUP
BY customer, each read from a covering index (the submitted invoices, queries.invoice_totals_sql,
the aggregate Revenue by Customer reads for a date range; the submitted payments; the payments'
allocations, for how many days after the due date the money came), and the name and lifecycle
state of the customers the filters and the user's permissions allow; the rows are put together and
sorted here.

It reads every invoice, payment and allocation ever made, so on a large site it takes seconds (at
100k customers with 1M invoices and payments, the allocations, joined to their payments, alone take
about three): the report is a Prepared Report, run in the background and read when done.
"""

import frappe
from frappe import _
from frappe.utils import nowdate

from customer_lifecycle.analytics import queries
from customer_lifecycle.utils import report_columns as col
from customer_lifecycle.utils.doctypes import PAYMENT

REPORT = "Customer Lifetime Value"
TOP_IN_CHART = 10
# what is read of each customer's invoices (queries.INVOICE_FIGURES)
INVOICE_FIGURES = ("invoices", "revenue", "outstanding", "overdue", "first_invoice", "last_invoice")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	queries.check_access(REPORT)
	rows = data(filters)
	chart = queries.revenue_chart(rows[:TOP_IN_CHART], _("Total Revenue"))
	return columns(), rows, None, chart


def columns() -> list[dict]:
	return [
		*col.customer_columns(150, 180),
		col.data("lifecycle_status", _("Lifecycle"), 100),
		col.currency("revenue", _("Total Revenue"), 130),
		col.invoice_count(),
		col.average_invoice(),
		*col.invoice_dates(),
		col.currency("paid", _("Paid")),
		col.last_payment(),
		col.outstanding(),
		col.days("avg_days_late", _("Avg Days Late"), 100),
		col.data("payment_behaviour", _("Payment Behaviour"), 160),
	]


def data(filters) -> list[dict]:
	only, values = queries.customer_scope(filters, "customer")
	only_payment, _values = queries.customer_scope(filters, "p.customer")
	values["today"] = nowdate()
	# payments: the covering index customer_docstatus_posting_amounts; their allocations, looked up
	# by payment in the covering index parent_allocated_due (Customer Payment Allocation)
	payments = f"""
		select customer, sum(amount) as paid, max(posting_date) as last_payment
		from `tab{PAYMENT}` where docstatus = 1{only} group by customer"""
	lateness = f"""
		select p.customer, sum(datediff(p.posting_date, a.due_date)), count(*)
		from `tab{PAYMENT}` p
		straight_join `tab{PAYMENT} Allocation` a on a.parent = p.name and a.parenttype = '{PAYMENT}'
		where p.docstatus = 1 and a.allocated_amount > 0{only_payment}
		group by p.customer"""
	rows = queries.customer_figures(
		filters,
		values,
		[
			(queries.invoice_totals_sql(INVOICE_FIGURES, only), INVOICE_FIGURES),
			(payments, ("paid", "last_payment")),
			(lateness, ("days_late", "allocations")),
		],
		fields=("customer_name", "lifecycle_status"),
	)
	# translated once per state and behaviour, not once per row: the report may list 100k customers
	labels = {}
	for row in rows:
		row.invoices = int(row.invoices or 0)
		for figure in ("revenue", "outstanding", "paid"):
			row[figure] = row.get(figure) or 0
		row.setdefault("first_invoice", None)
		row.setdefault("last_invoice", None)
		row.setdefault("last_payment", None)
		row.average_invoice = row.revenue / row.invoices if row.invoices else 0
		days_late, allocations = row.pop("days_late", None), row.pop("allocations", None)
		row.avg_days_late = round(float(days_late) / allocations, 1) if allocations else None
		behaviour = queries.payment_behaviour(row.invoices, row.get("overdue"), row.avg_days_late)
		for key, value in (
			("lifecycle_status", row.lifecycle_status or ""),
			("payment_behaviour", behaviour),
		):
			if value not in labels:
				labels[value] = _(value)
			row[key] = labels[value]
	return queries.by_amount(rows, "revenue")
