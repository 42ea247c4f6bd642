# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

"""Customer Profitability: for a date range, each customer's revenue (its submitted invoices posted
in the range), the hours logged in the range and their cost (each entry's hours at its user's cost
rate, Staff Rate), the margin and the margin as a percentage of the revenue, and the value of the
billable time of the range not invoiced yet; in one currency (the filter, the firm's by default:
amounts of different currencies are never added). Cost rates are in the firm's currency, so for
another currency cost and margin are left empty and the report says why. Filters: the range, the
category, the lifecycle state.

Three queries whatever the number of customers and entries (queries.customer_figures): the invoices
grouped by customer from their covering index, the time grouped by customer (the index customer_date
of Time Entry, joined to the users' cost rates), and the allowed customers' names. No total row:
the summary strip has the totals (a total row would average the margin percentages).

SPEED
"""

from frappe import _

from customer_lifecycle.analytics import queries
from customer_lifecycle.billing import rules
from customer_lifecycle.billing.currency import default_currency
from customer_lifecycle.utils.doctypes import STAFF_RATE, TIME_ENTRY

REPORT = "Customer Profitability"
TIME_FIGURES = ("hours", "cost", "unbilled")


@queries.report(REPORT)
def execute(filters):
	filters.currency = filters.get("currency") or default_currency()
	with_cost = filters.currency == default_currency()
	rows = data(filters, with_cost)
	message = (
		None
		if with_cost
		else _("Cost rates are in {0}: cost and margin are not shown for customers billed in {1}.").format(
			default_currency(), filters.currency
		)
	)
	return columns(), rows, message, chart(rows), summary(rows, with_cost, filters.currency)


def columns() -> list[dict]:
	def money(fieldname: str, label: str, width: int = 120) -> dict:
		return {
			"fieldname": fieldname,
			"label": label,
			"fieldtype": "Currency",
			"options": "currency",
			"width": width,
		}

	return [
		{
			"fieldname": "customer",
			"label": _("Customer"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 150,
		},
		{"fieldname": "customer_name", "label": _("Customer Name"), "fieldtype": "Data", "width": 180},
		{
			"fieldname": "customer_category",
			"label": _("Category"),
			"fieldtype": "Link",
			"options": "Customer Category",
			"width": 110,
		},
		{"fieldname": "lifecycle_status", "label": _("Lifecycle"), "fieldtype": "Data", "width": 100},
		{"fieldname": "hours", "label": _("Hours"), "fieldtype": "Float", "precision": 2, "width": 80},
		money("revenue", _("Revenue")),
		money("cost", _("Cost of Time")),
		money("margin", _("Margin")),
		{
			"fieldname": "margin_percent",
			"label": _("Margin %"),
			"fieldtype": "Percent",
			"precision": 2,
			"width": 90,
		},
		money("unbilled", _("Unbilled Time")),
		{
			"fieldname": "currency",
			"label": _("Currency"),
			"fieldtype": "Link",
			"options": "Currency",
			"width": 80,
			"hidden": 1,
		},
	]


def time_totals_sql(scope: str) -> str:
	"""Each customer's time entries dated in the range, GROUP BY customer: hours, their cost at the
	users' cost rates and the value of the billable ones not invoiced. Raw SQL: a CASE summed over a
	join to the cost rates; only the app's own table names and `scope` (customer_scope's placeholders)
	are in the text."""
	return f"""
		select te.customer, sum(te.hours), sum(te.hours * coalesce(sr.cost_rate, 0)),
			sum(case when te.billable = 1 and te.invoice is null then te.amount else 0 end)
		from `tab{TIME_ENTRY}` te
		left join `tab{STAFF_RATE}` sr on sr.name = te.user
		where te.date between %(from_date)s and %(to_date)s{scope}
		group by te.customer"""


def data(filters, with_cost: bool = True) -> list[dict]:
	scope, values = queries.customer_scope(filters, "customer")
	time_scope, _values = queries.customer_scope(filters, "te.customer")
	values.update(queries.period_values(filters))
	rows = queries.customer_figures(
		filters,
		values,
		[
			(queries.invoice_totals_sql(("revenue",), scope, period=True), ("revenue",)),
			(time_totals_sql(time_scope), TIME_FIGURES),
		],
		fields=("customer_name", "customer_category", "lifecycle_status"),
	)
	for row in rows:
		row.currency = filters.currency
		row.hours = round(float(row.get("hours") or 0), 2)
		row.revenue = float(rules.money(row.get("revenue")))
		row.unbilled = float(rules.money(row.get("unbilled")))
		row.cost = float(rules.money(row.get("cost"))) if with_cost else None
		row.margin, row.margin_percent = rules.margin(row.revenue, row.cost) if with_cost else (None, None)
	rows.sort(key=lambda r: (-(r.margin if r.margin is not None else r.revenue), r.customer))
	return rows


def chart(rows: list[dict]) -> dict | None:
	"""Revenue and cost of the customers with the largest margin (revenue, without costs)."""
	top = rows[: queries.TOP_IN_CHART]
	if not top:
		return None
	datasets = [{"name": _("Revenue"), "values": [r.revenue for r in top]}]
	if top[0].cost is not None:
		datasets.append({"name": _("Cost of Time"), "values": [r.cost for r in top]})
	return {
		"data": {"labels": [r.customer_name or r.customer for r in top], "datasets": datasets},
		"type": "bar",
		"fieldtype": "Currency",
	}


def summary(rows: list[dict], with_cost: bool, currency: str) -> list[dict]:
	"""The report's summary strip: the totals of the customers shown."""
	revenue = sum(r.revenue for r in rows)
	cost = sum(r.cost or 0 for r in rows)
	margin, percent = rules.margin(revenue, cost)
	strip = [
		{"label": _("Revenue"), "value": revenue, "datatype": "Currency", "indicator": "Blue"},
		{
			"label": _("Unbilled Time"),
			"value": sum(r.unbilled for r in rows),
			"datatype": "Currency",
			"indicator": "Orange",
		},
	]
	if with_cost:
		strip[1:1] = [
			{"label": _("Cost of Time"), "value": cost, "datatype": "Currency", "indicator": "Red"},
			{
				"label": _("Margin"),
				"value": margin,
				"datatype": "Currency",
				"indicator": "Green" if margin >= 0 else "Red",
			},
			{"label": _("Margin %"), "value": percent, "datatype": "Percent", "indicator": "Green"},
		]
	return [{**figure, "currency": currency} for figure in strip]
