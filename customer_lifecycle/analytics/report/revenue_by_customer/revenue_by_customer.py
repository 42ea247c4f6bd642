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

from frappe import _

from customer_lifecycle.analytics import queries
from customer_lifecycle.utils import report_columns as col

REPORT = "Revenue by Customer"
# what is read of each customer's invoices of the range (queries.INVOICE_FIGURES)
FIGURES = ("invoices", "revenue", "outstanding", "first_invoice", "last_invoice")


@queries.report(REPORT)
def execute(filters):
	return queries.ranked_by_revenue(columns(), data(filters), _("Revenue"))


def columns() -> list[dict]:
	return [
		*col.customer_columns(150, 180),
		col.invoice_count(),
		col.currency("revenue", _("Revenue"), 130),
		col.currency("paid", _("Paid to Date")),
		col.outstanding(),
		col.average_invoice(),
		col.revenue_share(120),
		*col.invoice_dates(),
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
