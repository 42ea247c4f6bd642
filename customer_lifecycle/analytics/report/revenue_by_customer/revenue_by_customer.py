# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

"""Revenue by Customer: for a date range, each customer's submitted invoices dated in it, their total,
what of it is paid and what still owed, the average invoice and the customer's share of the period's
revenue.

One query: a GROUP BY customer over the invoices of the range (queries.invoice_totals_sql, the
aggregate Customer Lifetime Value reads over all time), joined to the customers the filters and the
user's permissions allow (queries.customer_rows); paid, the average and the shares are computed
from the rows read. The name shown is the customer's name now, as in Customer Lifetime Value.

With the default range it lists every customer that bought in the last twelve months: at 100k
customers with 1M invoices, half a million invoices grouped and 100k rows joined and read take over
two seconds (an index led by the posting date reads fewer entries but groups 100k customers through
an on-disk temporary table, several times slower), so the report is a Prepared Report, run in the
background and read when done.
"""

import frappe
from frappe import _

from customer_lifecycle.analytics import queries

REPORT = "Revenue by Customer"
TOP_IN_CHART = 10
# what is read of each customer's invoices of the range (queries.INVOICE_FIGURES)
FIGURES = ("invoices", "revenue", "outstanding", "first_invoice", "last_invoice")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	queries.check_access(REPORT)
	rows = data(filters)
	chart = queries.bar_chart(
		[r.customer_name or r.customer for r in rows[:TOP_IN_CHART]],
		[r.revenue for r in rows[:TOP_IN_CHART]],
		_("Revenue"),
		"Currency",
	)
	return columns(), rows, None, chart


def columns() -> list[dict]:
	return [
		{
			"fieldname": "customer",
			"label": _("Customer"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 150,
		},
		{"fieldname": "customer_name", "label": _("Customer Name"), "fieldtype": "Data", "width": 180},
		{"fieldname": "invoices", "label": _("Invoices"), "fieldtype": "Int", "width": 80},
		{"fieldname": "revenue", "label": _("Revenue"), "fieldtype": "Currency", "width": 130},
		{"fieldname": "paid", "label": _("Paid to Date"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "outstanding", "label": _("Outstanding"), "fieldtype": "Currency", "width": 120},
		{
			"fieldname": "average_invoice",
			"label": _("Average Invoice"),
			"fieldtype": "Currency",
			"width": 120,
		},
		{"fieldname": "share", "label": _("Share of Revenue (%)"), "fieldtype": "Percent", "width": 120},
		{"fieldname": "first_invoice", "label": _("First Invoice"), "fieldtype": "Date", "width": 110},
		{"fieldname": "last_invoice", "label": _("Last Invoice"), "fieldtype": "Date", "width": 110},
	]


def data(filters) -> list[dict]:
	scope, values = queries.customer_scope(filters, "customer")
	values.update(queries.period_values(filters))
	rows = queries.customer_rows(
		filters,
		values,
		queries.invoice_totals_sql(FIGURES, scope, period=True),
		order_by="revenue desc, customer",
	)
	total = sum(r.revenue for r in rows)
	for row in rows:
		row.paid = row.revenue - row.outstanding
		row.average_invoice = row.revenue / row.invoices
		row.share = queries.percent(row.revenue, total)
	return rows
