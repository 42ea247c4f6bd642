# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

"""Receivables Aging: what each customer owes, split into the aging buckets of billing.rules
(0-30, 31-60, 61-90, 90+ days past the due date, or past the invoice date; not yet due counts as
0-30).

One query whatever the number of customers and invoices: a GROUP BY customer over the submitted
invoices that still owe money, with one conditional SUM per bucket built from rules.AGING_BUCKETS,
read from the covering index customer_docstatus_posting_totals_creation; its rows only are then
joined to Customer (the customer's name, the category filter), as analytics.customer_rows does:
joining every invoice to its customer before grouping took seconds at 100k customers. The report's
roles (Customer User, Customer Manager, System Manager) read every invoice; the read right on
Customer Invoice is checked first.

Unfiltered it lists every customer that owes money: at 100k customers with 1M invoices, the pass over
the index and the 100k rows joined and read take over two seconds, so the report is a Prepared
Report, run in the background and read when done. One customer's aging takes milliseconds: a link to
it can run it live with the desk's route option ignore_prepared_report.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count, Function, Min, Sum
from frappe.utils import getdate, nowdate
from pypika.terms import Case

from customer_lifecycle.analytics.queries import NO_LATERAL_DERIVED, restricted_currency
from customer_lifecycle.billing.rules import AGING_BUCKETS
from customer_lifecycle.utils import replica
from customer_lifecycle.utils import report_columns as col
from customer_lifecycle.utils.args import date_arg
from customer_lifecycle.utils.doctypes import INVOICE

AGE_BY_FIELD = {"Due Date": "due_date", "Invoice Date": "posting_date"}


@replica.report
def execute(filters):
	return columns(), data(filters)


def bucket_key(label: str) -> str:
	return "age_" + label.replace("-", "_").replace("+", "_plus")


def columns() -> list[dict]:
	return [
		*col.customer_columns(160, 200),
		col.integer("invoices", _("Open Invoices"), 110),
		col.outstanding(130),
		*(
			col.currency(bucket_key(label), _("{0} Days").format(label))
			for label, _first, _last in AGING_BUCKETS
		),
		col.date("oldest_due_date", _("Oldest Due Date"), 120),
	]


def bucket_sum(label: str, first: int | None, last: int | None, age, amount):
	"""SUM of the amounts whose age (in days, an SQL term) falls in the bucket."""
	condition = None
	for bound in (age >= first if first is not None else None, age <= last if last is not None else None):
		if bound is not None:
			condition = bound if condition is None else condition & bound
	return Sum(Case().when(condition, amount).else_(0)).as_(bucket_key(label))


def data(filters) -> list[dict]:
	frappe.has_permission(INVOICE, "read", throw=True)
	as_of = getdate(date_arg(filters.as_of, "As Of") or nowdate())
	field = AGE_BY_FIELD.get(filters.age_by or "Due Date")
	if not field:
		frappe.throw(_("{0} must be Due Date or Invoice Date.").format(frappe.bold(_("Age By"))))
	invoice = DocType(INVOICE)
	age = Function("DATEDIFF", as_of, invoice[field])
	per_customer = (
		frappe.qb.from_(invoice)
		.select(
			invoice.customer,
			Count(invoice.name).as_("invoices"),
			Sum(invoice.outstanding_amount).as_("outstanding"),
			*(
				bucket_sum(label, first, last, age, invoice.outstanding_amount)
				for label, first, last in AGING_BUCKETS
			),
			Min(invoice.due_date).as_("oldest_due_date"),
		)
		.where((invoice.docstatus == 1) & (invoice.outstanding_amount > 0) & (invoice.posting_date <= as_of))
		.groupby(invoice.customer)
	)
	if filters.customer:
		per_customer = per_customer.where(invoice.customer == filters.customer)
	category = ""
	if filters.customer_category:
		# only the category's customers' invoices are read
		customer = DocType("Customer")
		per_customer = per_customer.where(
			invoice.customer.isin(
				frappe.qb.from_(customer)
				.select(customer.name)
				.where(customer.customer_category == filters.customer_category)
			)
		)
		category = " and `tabCustomer`.customer_category = %(category)s"
	# one currency at a time (queries.restricted_currency)
	currency = restricted_currency(filters)
	if currency:
		category += " and `tabCustomer`.currency = %(currency)s"
	# Raw SQL: the query builder cannot join a derived table with the per-statement optimizer switch.
	# Every value is a bound parameter: walk() renders the grouped query with %(paramN)s placeholders
	# and returns their values (its get_sql() would paste them in, quoted for SQL but not for
	# MariaDB's backslash escapes); the bucket columns are the app's own names (AGING_BUCKETS).
	grouped, values = per_customer.walk()
	values["category"] = filters.customer_category
	values["currency"] = currency
	return frappe.db.sql(
		f"""{NO_LATERAL_DERIVED}
		select per_customer.customer, `tabCustomer`.customer_name, `tabCustomer`.currency, per_customer.invoices,
			per_customer.outstanding{"".join(f", per_customer.{bucket_key(label)}" for label, _f, _l in AGING_BUCKETS)},
			per_customer.oldest_due_date
		from ({grouped}) as per_customer
		straight_join `tabCustomer` on `tabCustomer`.name = per_customer.customer
		where 1=1{category}
		order by per_customer.outstanding desc, per_customer.customer""",
		values,
		as_dict=True,
	)
