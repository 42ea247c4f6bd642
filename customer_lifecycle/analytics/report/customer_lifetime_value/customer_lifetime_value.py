# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

"""Customer Lifetime Value: for each customer with submitted invoices or payments, its total revenue,
invoice count, average invoice, first and last invoice, what it paid and when it last paid, what it
still owes, and its payment behaviour (queries.payment_behaviour), highest revenue first.

Live, not a Prepared Report: the lifetime figures are stored on each customer and kept current by
every submit and cancel (billing/figures.py), so the customers are one read of `tabCustomer`. The
behaviour needs each listed customer's overdue invoices and how late its payments came: two
aggregates over those customers' invoices and allocations, by index. By default the report lists the
`top` customers by revenue (500); 0 lists all, which reads every invoice and allocation (seconds at a
million invoices).
"""

import frappe
from frappe import _
from frappe.utils import cint, nowdate

from customer_lifecycle.analytics import queries
from customer_lifecycle.utils import report_columns as col
from customer_lifecycle.utils.doctypes import ALLOCATION, INVOICE, PAYMENT

REPORT = "Customer Lifetime Value"
# how many customers the report lists unless told otherwise (0: all)
DEFAULT_TOP = 500


@queries.report(REPORT)
def execute(filters):
	return queries.ranked_by_revenue(columns(), data(filters), _("Total Revenue"))


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
	conditions, values = queries.customer_conditions(filters)
	top = cint(filters.top) if filters.top not in (None, "") else DEFAULT_TOP
	# SQL text: `conditions` are queries.customer_conditions' column names and placeholders, with
	# Frappe's escaped match conditions; `top` is an int
	rows = frappe.db.sql(
		f"""select `tabCustomer`.name as customer, customer_name, lifecycle_status, currency,
			total_invoiced as revenue, invoice_count as invoices, first_invoice_date as first_invoice,
			last_invoice_date as last_invoice, total_paid as paid, last_payment_date as last_payment,
			balance as outstanding
		from `tabCustomer`
		where {conditions} and (invoice_count > 0 or total_paid > 0)
		order by total_invoiced desc, `tabCustomer`.name{f" limit {top}" if top > 0 else ""}""",
		values,
		as_dict=True,
	)
	behaviour = payment_figures([row.customer for row in rows] if top > 0 else None)
	# translated once per state and behaviour, not once per row: the report may list 100k customers
	labels = {}
	for row in rows:
		row.average_invoice = row.revenue / row.invoices if row.invoices else 0
		overdue, days_late, allocations = behaviour.get(row.customer, (0, None, None))
		row.avg_days_late = round(float(days_late) / allocations, 1) if allocations else None
		label = queries.payment_behaviour(row.invoices, overdue, row.avg_days_late)
		for key, value in (("lifecycle_status", row.lifecycle_status or ""), ("payment_behaviour", label)):
			if value not in labels:
				labels[value] = _(value)
			row[key] = labels[value]
	return rows


def payment_figures(customers: list[str] | None) -> dict[str, tuple]:
	"""customer -> (overdue invoices, days late summed over its allocations, allocations), for these
	customers (every customer when None): each a GROUP BY customer along a covering index (the
	invoices by customer; the payments by customer, then their allocations by parent)."""
	if customers is not None and not customers:
		return {}
	scope = " and {0} in %(customers)s" if customers is not None else ""
	values = {"customers": tuple(customers or ()), "today": nowdate()}
	# SQL text: the app's table names and a placeholder; every value is a parameter
	overdue = frappe.db.sql(
		f"""select customer, sum(outstanding_amount > 0 and due_date < %(today)s)
		from `tab{INVOICE}` where docstatus = 1{scope.format("customer")} group by customer""",
		values,
	)
	lateness = frappe.db.sql(
		f"""select p.customer, sum(datediff(p.posting_date, a.due_date)), count(*)
		from `tab{PAYMENT}` p
		straight_join `tab{ALLOCATION}` a on a.parent = p.name and a.parenttype = '{PAYMENT}'
		where p.docstatus = 1 and a.allocated_amount > 0{scope.format("p.customer")}
		group by p.customer""",
		values,
	)
	out = {customer: (cint(count), None, None) for customer, count in overdue}
	for customer, days, allocations in lateness:
		out[customer] = (out.get(customer, (0,))[0], days, allocations)
	return out
