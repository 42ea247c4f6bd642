# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

"""Customer Payments: for a date range, each customer's submitted payments dated in it: how many, how
much, how much was allocated to invoices and how much is left unallocated, the amount by payment
method (one column per option of the payment's Method field) and the first and last payment.

One query: a GROUP BY customer over the payments of the range, with one conditional SUM per method,
read from the covering index customer_docstatus_posting_amounts (Customer Payment's
on_doctype_update), joined to the customers the filters and the user's permissions allow
(queries.customer_rows); the chart's totals by method are summed from the rows read. The name
shown is the customer's name now, as in the other reports.

With the default range it lists every customer that paid in the last twelve months: at 100k customers
with 0.9M payments that takes over two seconds (an index led by the posting date reads fewer entries
but groups 100k customers through an on-disk temporary table, several times slower), so the report
is a Prepared Report, run in the background and read when done.
"""

import frappe
from frappe import _
from frappe.utils import flt

from customer_lifecycle.analytics import queries
from customer_lifecycle.utils import report_columns as col
from customer_lifecycle.utils.doctypes import PAYMENT

REPORT = "Customer Payments"


@queries.report(REPORT)
def execute(filters):
	methods = payment_methods()
	rows = data(filters, methods)
	by_method = [sum(flt(r[method_key(i)]) for r in rows) for i in range(len(methods))]
	shown = [(m, v) for m, v in zip(methods, by_method, strict=True) if v]
	chart = queries.bar_chart([_(m) for m, _v in shown], [v for _m, v in shown], _("Amount"), "Currency")
	if chart:
		chart["type"] = "donut"
	return columns(methods), rows, None, chart


def payment_methods() -> list[str]:
	"""The options of Customer Payment's Method field, as an admin may have customised them."""
	options = frappe.get_meta(PAYMENT).get_field("method").options or ""
	return [o for o in options.split("\n") if o]


def method_key(index: int) -> str:
	# positional: options are free text, not safe as column aliases
	return f"method_{index}"


def columns(methods: list[str]) -> list[dict]:
	return [
		*col.customer_columns(150, 180),
		col.integer("payments", _("Payments"), 90),
		col.currency("amount", _("Amount"), 130),
		col.currency("allocated", _("Allocated")),
		col.currency("unallocated", _("Unallocated")),
		*(col.currency(method_key(i), _(method)) for i, method in enumerate(methods)),
		col.date("first_payment", _("First Payment")),
		col.last_payment(),
	]


def data(filters, methods: list[str]) -> list[dict]:
	scope, values = queries.customer_scope(filters, "customer")
	values.update(queries.period_values(filters))
	sums = []
	for i, method in enumerate(methods):
		values[method_key(i)] = method
		sums.append(f", sum(if(method = %({method_key(i)})s, amount, 0)) as {method_key(i)}")
	payments = f"""
		select customer, count(*) as payments, sum(amount) as amount, sum(allocated_amount) as allocated,
			sum(unallocated_amount) as unallocated{"".join(sums)},
			min(posting_date) as first_payment, max(posting_date) as last_payment
		from `tab{PAYMENT}`
		where docstatus = 1 and posting_date between %(from_date)s and %(to_date)s{scope}
		group by customer"""
	return queries.customer_rows(filters, values, payments, order_by="amount desc, customer")
