"""What the customer analytics reports share: who may run them, the date range, the SQL conditions
on the joined Customer row (the user's permissions and the customer filters), the per-customer
invoice figures and how figures are gathered per customer, charts, and the payment-behaviour rule.

Every report reads its figures with a fixed number of SQL aggregates, whatever the number of
customers, invoices and payments: GROUP BY over the billing tables, restricted to the customers the
filters and the user's permissions allow through a subquery on `tabCustomer` (unaliased, so that
Frappe's match conditions, which name `tabCustomer`, apply as they are). Raw SQL
(`frappe.db.sql`) is used because those conditions come from Frappe's reportview as SQL text, and
because aggregates read from covering indexes before anything is joined are what keep the reports
fast.

At a million invoices (the reports benchmark prints the figures): a GROUP BY customer over a
covering index streams in customer order, with no temporary table; joining the billing rows to
`tabCustomer` before grouping, or reading columns the index lacks, is several times slower; so is
joining several grouped derived tables to one another (MariaDB materialises each into an on-disk
temporary table with a key once it outgrows tmp_table_size), and every row read into Python costs. So a report with a row per customer groups first and joins its one aggregate's rows to
their Customer (`customer_rows`); one that needs several aggregates reads each on its own and puts
them together by customer here (`customer_figures`).
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import wraps

import frappe
from frappe import _
from frappe.desk.reportview import get_match_cond
from frappe.utils import add_months, flt, getdate, nowdate

from customer_lifecycle.billing.currency import default_currency
from customer_lifecycle.lifecycle.engine import get_workflow
from customer_lifecycle.utils import replica
from customer_lifecycle.utils.args import date_arg
from customer_lifecycle.utils.doctypes import CUSTOMER, ENGAGEMENT, INVOICE, NOTE, PAYMENT

# The reports that read every customer's invoices, payments or time of a date range (or every open
# invoice's age): seconds at a million invoices, so they are Prepared Reports (the flag in their Report JSON, and
# on sites made before, the patches), run in the background and read when done. The lifetime figures
# are stored on each customer, so Customer Lifetime Value and At-Risk Customers run live.
PREPARED_REPORTS = (
	"Revenue by Customer",
	"Customer Payments",
	"Receivables Aging",
	"Customer Profitability",
)
LIVE_REPORTS = ("Customer Lifetime Value", "At-Risk Customers")
# report filter -> column of tabCustomer it compares with
CUSTOMER_FILTERS = {
	"customer": "name",
	"customer_category": "customer_category",
	"customer_type": "customer_type",
	"lifecycle_status": "lifecycle_status",
}
# payment behaviour, from the customer's invoices and how late its payments came (days after due)
NO_INVOICES, NOT_PAID_YET, ON_TIME, LATE, VERY_LATE, OVERDUE = (
	"No Invoices",
	"Not Paid Yet",
	"Pays On Time",
	"Pays Late",
	"Pays Very Late",
	"Has Overdue Invoices",
)
VERY_LATE_DAYS = 30
# how many customers a report's chart shows
TOP_IN_CHART = 10
SECONDS_PER_DAY = 86400


def check_access(report: str) -> None:
	"""Refuse a user whom the report's roles (Customer Manager, System Manager, or those an admin set)
	do not include, or who may not read customers. `execute` runs this first, so that the report
	cannot be read around the desk's own check (Prepared Reports, direct calls)."""
	if not frappe.get_cached_doc("Report", report).is_permitted():
		raise frappe.PermissionError(
			_("You are not allowed to run the report {0}.").format(frappe.bold(_(report)))
		)
	frappe.has_permission(CUSTOMER, "read", throw=True)


def report(name: str) -> Callable:
	"""The `execute` of the Script Report `name`: given its filters as a frappe._dict, for a user
	check_access lets in, and safe on the read replica (utils.replica.report)."""

	def wrap(execute: Callable) -> Callable:
		@wraps(execute)
		def run(filters):
			check_access(name)
			return execute(filters)

		return replica.report(run)

	return wrap


def date_range(filters) -> tuple[date, date]:
	"""The report's From Date and To Date (default: the twelve months up to today); a range that ends
	before it starts is refused with a message that names both fields, and so is text that is no date."""
	to_date = getdate(date_arg(filters.get("to_date"), "To Date") or nowdate())
	from_date = getdate(date_arg(filters.get("from_date"), "From Date") or add_months(to_date, -12))
	if from_date > to_date:
		frappe.throw(
			_("{0} must not be after {1}.").format(frappe.bold(_("From Date")), frappe.bold(_("To Date"))),
			title=_("Invalid Date Range"),
		)
	return from_date, to_date


def period_values(filters) -> dict:
	"""SQL parameters of the date range: `from_date`, `to_date` (dates) and `end` (the day after
	to_date, for datetime columns compared with `>= from_date and < end`)."""
	from_date, to_date = date_range(filters)
	return {"from_date": from_date, "to_date": to_date, "end": to_date + timedelta(days=1)}


def customer_conditions(filters, currency: str | None | bool = True) -> tuple[str, dict]:
	"""SQL conditions on `tabCustomer` and their parameters: the customer filters given, the currency
	the report keeps to (restricted_currency, or the one given; none with None), and the user's match
	conditions (User Permissions on Customer and its links, permission query hooks) as Frappe's
	report view builds them."""
	conditions, values = ["1=1"], {}
	for key, column in CUSTOMER_FILTERS.items():
		if filters.get(key):
			conditions.append(f"`tabCustomer`.`{column}` = %({key})s")
			values[key] = filters.get(key)
	kept = restricted_currency(filters) if currency is True else currency
	if kept:
		conditions.append("`tabCustomer`.`currency` = %(currency)s")
		values["currency"] = kept
	# " and (...)" or "", with % already doubled for parameter substitution
	return " and ".join(conditions) + get_match_cond(CUSTOMER), values


def restricted_currency(filters) -> str | None:
	"""The currency a report must keep to, or None when every customer has it. Amounts of different
	currencies are never added: a report shows one currency at a time (the filter's, the firm's by
	default), and adds a condition on it only where some customer has another one."""
	currency = filters.get("currency") or default_currency()
	if currency and frappe.db.exists(CUSTOMER, {"currency": ("!=", currency)}):
		return currency
	return None


def customer_scope(filters, column: str) -> tuple[str, dict]:
	"""customer_conditions as a condition on `column`, the customer link of the billing or log table
	a report reads: " and <column> in (select ... from tabCustomer where ...)", or "" when no filter
	or permission applies, so that a million invoices are not joined to their customers for nothing.

	The currency a report keeps to leaves out the few customers billed in another one: as a list of
	their names (" and <column> not in (...)") while they are at most FEW_IN_OTHER_CURRENCY, since
	a semi-join on the many customers left made MariaDB walk them one by one instead of the table's
	covering index (the profitability benchmark prints the report with one customer in EUR)."""
	currency = restricted_currency(filters)
	others = in_other_currency(currency) if currency else None
	conditions, values = customer_conditions(filters, currency=None if others else currency)
	scope = (
		""
		if conditions == "1=1"
		else (f" and {column} in (select `tabCustomer`.name from `tabCustomer` where {conditions})")
	)
	if others:
		scope += f" and {column} not in %(in_other_currency)s"
		values["in_other_currency"] = tuple(others)
	return scope, values


FEW_IN_OTHER_CURRENCY = 1000


def in_other_currency(currency: str) -> list[str] | None:
	"""The customers not billed in `currency`, when they are at most FEW_IN_OTHER_CURRENCY (None when
	there are more)."""
	others = frappe.get_all(
		CUSTOMER, filters={"currency": ("!=", currency)}, pluck="name", limit=FEW_IN_OTHER_CURRENCY + 1
	)
	return others if len(others) <= FEW_IN_OTHER_CURRENCY else None


# MariaDB's split materialization ("lateral derived" tables) computes a grouped derived table once per
# row of the table joined to it, and even when the optimizer does not choose it, having considered it
# makes the derived table group through a temporary table instead of streaming along an index.
# Statements that join a derived table grouped by customer turn it off for themselves only.
NO_LATERAL_DERIVED = "set statement optimizer_switch='split_materialized=off' for "

# the figures invoice_totals_sql can read per customer, from the submitted invoices only
INVOICE_FIGURES = {
	"invoices": "count(*)",
	"revenue": "sum(total)",
	"outstanding": "sum(outstanding_amount)",
	# owing money past the due date, as of %(today)s
	"overdue": "sum(outstanding_amount > 0 and due_date < %(today)s)",
	"first_invoice": "min(posting_date)",
	"last_invoice": "max(posting_date)",
}


def invoice_totals_sql(figures: tuple[str, ...], scope: str = "", period: bool = False) -> str:
	"""The SELECT of each customer's submitted invoices, GROUP BY customer: the customer, then the
	INVOICE_FIGURES named in `figures`, in that order. With `period`, only the invoices posted
	between %(from_date)s and %(to_date)s; `scope` is customer_scope's condition on `customer`.

	Every column it reads is in the covering index customer_docstatus_posting_totals_creation
	(Customer Invoice's on_doctype_update), which also gives the rows in customer order: one pass
	over the index, no table rows, no temporary table."""
	columns = "".join(f", {INVOICE_FIGURES[f]} as {f}" for f in figures)
	dates = " and posting_date between %(from_date)s and %(to_date)s" if period else ""
	return f"""
		select customer{columns}
		from `tabCustomer Invoice`
		where docstatus = 1{dates}{scope}
		group by customer"""


def customer_rows(
	filters, values: dict, aggregate: str, order_by: str, fields: tuple[str, ...] = ("customer_name",)
) -> list[frappe._dict]:
	"""The rows of `aggregate` (an SQL query grouped by customer, its first column `customer`) of the
	customers the filters and the user's permissions allow, each with its Customer `fields`, in
	`order_by` order (columns of the aggregate). One query: the aggregate is grouped first (from a
	covering index, `aggregate` should carry customer_scope's condition) and only its rows are
	joined to `tabCustomer`, which is what keeps a report of 100k customers to one pass over the
	billing table and 100k primary-key reads; a report lists them all, so they are read as one
	result rather than as two to be matched here."""
	conditions, more = customer_conditions(filters)
	values.update(more)
	columns = "".join(f", `tabCustomer`.`{field}`" for field in with_currency(fields))
	# SQL text: `aggregate`, `conditions` and `order_by` are the app's own SQL with placeholders; values are parameters
	return frappe.db.sql(
		f"""{NO_LATERAL_DERIVED}
		select per_customer.*{columns}
		from ({aggregate}) as per_customer
		straight_join `tabCustomer` on `tabCustomer`.name = per_customer.customer
		where {conditions}
		order by {order_by}""",
		values,
		as_dict=True,
	)


def customer_figures(
	filters, values: dict, sources: list[tuple[str, tuple[str, ...]]], fields: tuple[str, ...] = ()
) -> list[frappe._dict]:
	"""The figures of each customer the filters and the user's permissions allow, gathered from
	`sources`: each an SQL query grouped by customer (its first column, then one column per name
	given with it). One row per customer that any source returned, holding `customer`, its Customer
	`fields` (as on the Customer now) and the figures of the sources that returned it; a figure of
	a source that did not return the customer is left unset. Unordered.

	len(sources) + 1 queries whatever the number of rows: the sources (which should carry
	customer_scope's condition, so that a filtered run reads only the customers it shows) and one
	read of the allowed customers' `fields`, which are put together here by name: joining the
	sources' 100k rows to `tabCustomer` in SQL is the slow part of such a query."""
	conditions, more = customer_conditions(filters)
	values.update(more)
	fields = with_currency(fields)
	columns = "".join(f", `{field}`" for field in fields)
	customers = {
		row[0]: row[1:]
		# SQL text: `columns` are the caller's Customer field constants; `conditions` placeholders only
		for row in frappe.db.sql(
			f"select `tabCustomer`.name{columns} from `tabCustomer` where {conditions}", values
		)
	}
	rows: dict[str, frappe._dict] = {}
	for sql, names in sources:
		for customer, *figures in frappe.db.sql(sql, values):
			if customer not in customers:
				continue
			row = rows.get(customer)
			if row is None:
				row = rows[customer] = frappe._dict(zip(fields, customers[customer], strict=True))
				row.customer = customer
			row.update(zip(names, figures, strict=True))
	return list(rows.values())


def with_currency(fields: tuple[str, ...]) -> tuple[str, ...]:
	"""The Customer fields a report reads, with the currency its amounts are shown in."""
	return fields if "currency" in fields else (*fields, "currency")


def by_amount(rows: list[dict], field: str) -> list[dict]:
	"""`rows` sorted by `field` (a missing amount counting as 0), largest first, then by customer."""
	rows.sort(key=lambda r: (-flt(r.get(field)), r.customer))
	return rows


# what counts as a customer's activity: (doctype, which of its rows
# count, the column of the day it happened); each was recorded at its `creation`
ACTIVITY = (
	(INVOICE, "docstatus = 1", "posting_date"),
	(PAYMENT, "docstatus = 1", "posting_date"),
	(ENGAGEMENT, "docstatus < 2", "creation"),
	(NOTE, "1=1", "creation"),
)


def last_activity(customers: list[str] | None = None, kinds: tuple = ACTIVITY) -> dict[str, date]:
	"""The day of each customer's last activity of the `kinds` given (of ACTIVITY, all of them by
	default: a report that reads a kind's days itself leaves it out), by customer; a customer with
	none is absent. `customers`: read only these. One GROUP BY customer per kind of activity, each a pass over a covering index
	(Customer Invoice and Customer Payment: customer, docstatus, posting_date), merged here: the
	same merged in SQL (a UNION of the grouped selects, grouped again) sorts and joins every
	customer's row through on-disk temporary tables, several times slower."""
	latest: dict[str, date] = {}
	if customers is not None and not customers:
		return latest
	scope = " and customer in %(customers)s" if customers is not None else ""
	for doctype, rows, day in kinds:
		# SQL text: doctype, rows and day come from ACTIVITY; the customers are a parameter
		for customer, on in frappe.db.sql(
			f"select customer, max({day}) from `tab{doctype}` where {rows}{scope} group by customer",
			{"customers": tuple(customers or ())},
		):
			if isinstance(on, datetime):
				on = on.date()
			if customer and on and (customer not in latest or on > latest[customer]):
				latest[customer] = on
	return latest


def workflow_states() -> list[str]:
	"""The lifecycle workflow's states in its order, each once (an admin's edits included)."""
	workflow = get_workflow()
	return list(dict.fromkeys(s.state for s in workflow.states)) if workflow else []


def ratio(part, whole) -> float:
	"""part / whole, 0 when there is no whole."""
	return flt(part) / flt(whole) if flt(whole) else 0.0


def percent(part, whole) -> float:
	return round(100 * ratio(part, whole), 2)


def days(seconds) -> float | None:
	return None if seconds is None else round(flt(seconds) / SECONDS_PER_DAY, 1)


def bar_chart(labels: list[str], values: list, name: str, fieldtype: str = "Int") -> dict | None:
	"""A Frappe chart of one bar series, or None when there is nothing to draw."""
	if not labels:
		return None
	return {
		"data": {"labels": labels, "datasets": [{"name": name, "values": values}]},
		"type": "bar",
		"fieldtype": fieldtype,
	}


def revenue_chart(rows: list[dict], name: str) -> dict | None:
	"""The revenue of each customer of `rows`, a bar each, labelled with its name."""
	return bar_chart(
		[r.customer_name or r.customer for r in rows], [r.revenue for r in rows], name, "Currency"
	)


def ranked_by_revenue(columns: list[dict], rows: list[dict], name: str) -> tuple:
	"""The result of a report of customers ranked by revenue: its columns, the rows, and a chart of
	the revenue (labelled `name`) of the first TOP_IN_CHART."""
	return columns, rows, None, revenue_chart(rows[:TOP_IN_CHART], name)


def payment_behaviour(invoices: int, overdue_invoices: int, avg_days_late: float | None) -> str:
	"""How a customer pays: overdue invoices first; then, from the allocations of its payments, the
	average number of days after the due date it paid (0 or less: on time)."""
	if not invoices:
		return NO_INVOICES
	if overdue_invoices:
		return OVERDUE
	if avg_days_late is None:
		return NOT_PAID_YET
	if avg_days_late <= 0:
		return ON_TIME
	return LATE if avg_days_late <= VERY_LATE_DAYS else VERY_LATE
