# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

"""Customer Overview: for a date range, how many customers there are, how many are new in it, how many
bought (had a submitted invoice dated in it), the revenue, the average value of a buying customer
(revenue / buying customers) and the purchase frequency (invoices / buying customers), as the
report's summary; its rows are the top customers by spend in the range.

Three queries whatever the number of customers and invoices: the customer counts (one pass over
`tabCustomer`), the period's invoice totals, and the top customers (GROUP BY customer, ORDER BY
revenue, LIMIT, then their names); each filtered by the customer filters and the user's permissions
(queries.customer_conditions, and customer_scope for the invoices). Both invoice queries read the
per-customer aggregate of queries.invoice_totals_sql, from the covering index alone.
"""

import frappe
from frappe import _
from frappe.utils import cint, flt

from customer_lifecycle.analytics import queries
from customer_lifecycle.billing.currency import default_currency
from customer_lifecycle.utils import report_columns as col

REPORT = "Customer Overview"
DEFAULT_TOP = 10
MAX_TOP = 500


@queries.report(REPORT)
def execute(filters):
	conditions, values = queries.customer_conditions(filters)
	scope, scope_values = queries.customer_scope(filters, "customer")
	values.update(scope_values)
	values.update(queries.period_values(filters))
	figures = overview(conditions, scope, values)
	rows = top_customers(scope, values, top(filters), figures.revenue)
	chart = queries.revenue_chart(rows, _("Revenue"))
	return columns(), rows, None, chart, summary(figures)


def top(filters) -> int:
	"""How many top customers to list: the Top filter, 1 to MAX_TOP."""
	given = filters.get("top")
	count = DEFAULT_TOP if given in (None, "") else cint(given)
	if not 1 <= count <= MAX_TOP:
		frappe.throw(
			_("{0} must be between 1 and {1}.").format(frappe.bold(_("Top")), MAX_TOP),
			title=_("Invalid Filter"),
		)
	return count


def columns() -> list[dict]:
	return [
		col.integer("rank", _("Rank"), 60),
		*col.customer_columns(150, 200),
		col.currency("revenue", _("Spend"), 130),
		col.invoice_count(90),
		col.average_invoice(),
		col.revenue_share(130),
	]


def overview(conditions: str, scope: str, values: dict) -> frappe._dict:
	"""The period's figures: total, new and buying customers, invoices, revenue, average value and
	purchase frequency."""
	# SQL text: `conditions` and `scope` hold column names and placeholders only (queries.customer_conditions); values are parameters
	[customers] = frappe.db.sql(
		f"""
		select count(*) as total, coalesce(sum(creation >= %(from_date)s and creation < %(end)s), 0) as new,
			coalesce(sum(total_invoiced), 0) as lifetime_revenue, coalesce(sum(balance), 0) as outstanding,
			coalesce(sum(invoice_count > 0), 0) as ever_bought
		from `tabCustomer` where {conditions}
		""",
		values,
		as_dict=True,
	)
	# buyers counted as the groups of the per-customer aggregate: a pass along the index, where
	# count(distinct customer) would keep a set of 100k names
	[sales] = frappe.db.sql(
		f"""
		select count(*) as buyers, coalesce(sum(invoices), 0) as invoices, coalesce(sum(revenue), 0) as revenue
		from ({queries.invoice_totals_sql(("invoices", "revenue"), scope, period=True)}) as per_customer
		""",
		values,
		as_dict=True,
	)
	return frappe._dict(
		currency=values.get("currency") or default_currency(),
		lifetime_revenue=flt(customers.lifetime_revenue),
		outstanding=flt(customers.outstanding),
		ever_bought=int(customers.ever_bought),
		total=int(customers.total),
		new=int(customers.new),
		buyers=int(sales.buyers),
		invoices=int(sales.invoices),
		revenue=flt(sales.revenue),
		average_value=queries.ratio(sales.revenue, sales.buyers),
		frequency=round(queries.ratio(sales.invoices, sales.buyers), 2),
	)


def top_customers(scope: str, values: dict, limit: int, revenue) -> list[dict]:
	"""The `limit` customers with the most revenue in the period; only their names are read."""
	# SQL text: invoice_totals_sql's own columns; `limit` is an int
	rows = frappe.db.sql(
		f"""{queries.NO_LATERAL_DERIVED}
		select top.customer, `tabCustomer`.customer_name, top.revenue, top.invoices
		from (
			select * from ({queries.invoice_totals_sql(("revenue", "invoices"), scope, period=True)}) as t
			order by revenue desc, customer
			limit {int(limit)}
		) as top
		straight_join `tabCustomer` on `tabCustomer`.name = top.customer
		order by top.revenue desc, top.customer
		""",
		values,
		as_dict=True,
	)
	for rank, row in enumerate(rows, 1):
		row.rank = rank
		row.average_invoice = row.revenue / row.invoices
		row.share = queries.percent(row.revenue, revenue)
	return rows


def summary(figures) -> list[dict]:
	"""The report's summary strip (Frappe's report_summary): the period's figures, then the lifetime
	ones (stored on each customer, billing/figures.py), amounts in the report's currency."""
	money = {"datatype": "Currency", "currency": figures.currency}
	return [
		{"label": _("Total Customers"), "value": figures.total, "datatype": "Int", "indicator": "Blue"},
		{"label": _("New in Period"), "value": figures.new, "datatype": "Int", "indicator": "Green"},
		{"label": _("Buying Customers"), "value": figures.buyers, "datatype": "Int", "indicator": "Blue"},
		{"label": _("Revenue"), "value": figures.revenue, **money, "indicator": "Green"},
		{"label": _("Average Customer Value"), "value": figures.average_value, **money, "indicator": "Blue"},
		{
			"label": _("Purchase Frequency"),
			"value": figures.frequency,
			"datatype": "Float",
			"indicator": "Blue",
		},
		{
			"label": _("Customers Ever Invoiced"),
			"value": figures.ever_bought,
			"datatype": "Int",
			"indicator": "Blue",
		},
		{"label": _("Lifetime Revenue"), "value": figures.lifetime_revenue, **money, "indicator": "Green"},
		{"label": _("Outstanding"), "value": figures.outstanding, **money, "indicator": "Orange"},
	]
