# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

"""Receivables Aging: what each customer owes, split into the aging buckets of billing.rules
(0-30, 31-60, 61-90, 90+ days past the due date, or past the invoice date; not yet due counts as
0-30).

One query whatever the number of customers and invoices: a GROUP BY customer over the submitted
invoices that still owe money (joined to Customer for the category filter), with one conditional
SUM per bucket built from rules.AGING_BUCKETS. The report's roles (Customer User, Customer Manager,
System Manager) read every invoice; the read right on Customer Invoice is checked first.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count, Function, Max, Min, Sum
from frappe.utils import getdate, nowdate
from pypika.terms import Case

from customer_lifecycle.billing.invoices import INVOICE
from customer_lifecycle.billing.rules import AGING_BUCKETS

AGE_BY_FIELD = {"Due Date": "due_date", "Invoice Date": "posting_date"}


def execute(filters=None):
	filters = frappe._dict(filters or {})
	return columns(), data(filters)


def bucket_key(label: str) -> str:
	return "age_" + label.replace("-", "_").replace("+", "_plus")


def columns() -> list[dict]:
	cols = [
		{
			"fieldname": "customer",
			"label": _("Customer"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 160,
		},
		{"fieldname": "customer_name", "label": _("Customer Name"), "fieldtype": "Data", "width": 200},
		{"fieldname": "invoices", "label": _("Open Invoices"), "fieldtype": "Int", "width": 110},
		{"fieldname": "outstanding", "label": _("Outstanding"), "fieldtype": "Currency", "width": 130},
	]
	cols += [
		{
			"fieldname": bucket_key(label),
			"label": _("{0} Days").format(label),
			"fieldtype": "Currency",
			"width": 120,
		}
		for label, _first, _last in AGING_BUCKETS
	]
	cols.append(
		{"fieldname": "oldest_due_date", "label": _("Oldest Due Date"), "fieldtype": "Date", "width": 120}
	)
	return cols


def bucket_sum(label: str, first: int | None, last: int | None, age, amount):
	"""SUM of the amounts whose age (in days, an SQL term) falls in the bucket."""
	condition = None
	for bound in (age >= first if first is not None else None, age <= last if last is not None else None):
		if bound is not None:
			condition = bound if condition is None else condition & bound
	return Sum(Case().when(condition, amount).else_(0)).as_(bucket_key(label))


def data(filters) -> list[dict]:
	frappe.has_permission(INVOICE, "read", throw=True)
	as_of = getdate(filters.as_of or nowdate())
	field = AGE_BY_FIELD.get(filters.age_by or "Due Date")
	if not field:
		frappe.throw(_("{0} must be Due Date or Invoice Date.").format(frappe.bold(_("Age By"))))
	invoice, customer = DocType(INVOICE), DocType("Customer")
	age = Function("DATEDIFF", as_of, invoice[field])
	query = (
		frappe.qb.from_(invoice)
		.join(customer)
		.on(customer.name == invoice.customer)
		.select(
			invoice.customer,
			Max(customer.customer_name).as_("customer_name"),
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
		.orderby(Sum(invoice.outstanding_amount), order=frappe.qb.desc)
	)
	if filters.customer:
		query = query.where(invoice.customer == filters.customer)
	if filters.customer_category:
		query = query.where(customer.customer_category == filters.customer_category)
	return query.run(as_dict=True)
