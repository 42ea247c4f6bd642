"""The billing figures of the Customer 360 header (registered through the `customer_summary_figures`
hook, see customers/summary.py): open engagements, open invoices and the balance, and the customer's
purchase summary (total spent, invoice count, average invoice, first and last invoice date, over its
submitted invoices), each a scalar subquery read in the summary's one SELECT."""

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Avg, Coalesce, Count, Max, Min, Sum
from pypika.queries import QueryBuilder

from customer_lifecycle.billing.engagements import CLOSED_STATUSES
from customer_lifecycle.customers.summary import Figure, count_where
from customer_lifecycle.utils.doctypes import ENGAGEMENT, INVOICE


def open_engagements(customer: str) -> QueryBuilder:
	"""Engagements in any status but delivered or cancelled."""
	engagement = DocType(ENGAGEMENT)
	return count_where(
		engagement, (engagement.customer == customer) & engagement.status.notin(CLOSED_STATUSES)
	)


def open_invoices(customer: str) -> QueryBuilder:
	"""Submitted invoices not paid in full."""
	invoice = DocType(INVOICE)
	return count_where(
		invoice, (invoice.customer == customer) & (invoice.docstatus == 1) & (invoice.outstanding_amount > 0)
	)


def balance(customer: str) -> QueryBuilder:
	"""What the customer owes: the sum of its submitted invoices' outstanding amounts."""
	invoice = DocType(INVOICE)
	return (
		frappe.qb.from_(invoice)
		.select(Coalesce(Sum(invoice.outstanding_amount), 0))
		.where((invoice.customer == customer) & (invoice.docstatus == 1))
	)


def submitted_invoices(customer: str, term) -> QueryBuilder:
	"""`term(invoice)` (an aggregate) over the customer's submitted invoices."""
	invoice = DocType(INVOICE)
	return (
		frappe.qb.from_(invoice)
		.select(term(invoice))
		.where((invoice.customer == customer) & (invoice.docstatus == 1))
	)


def total_spent(customer: str) -> QueryBuilder:
	return submitted_invoices(customer, lambda invoice: Coalesce(Sum(invoice.total), 0))


def invoice_count(customer: str) -> QueryBuilder:
	return submitted_invoices(customer, lambda invoice: Count("*"))


def average_invoice(customer: str) -> QueryBuilder:
	return submitted_invoices(customer, lambda invoice: Coalesce(Avg(invoice.total), 0))


def first_invoice(customer: str) -> QueryBuilder:
	return submitted_invoices(customer, lambda invoice: Min(invoice.posting_date))


def last_invoice(customer: str) -> QueryBuilder:
	return submitted_invoices(customer, lambda invoice: Max(invoice.posting_date))


def figures() -> list[Figure]:
	return [
		Figure("open_engagements", ENGAGEMENT, open_engagements),
		Figure("open_invoices", INVOICE, open_invoices),
		Figure("balance", INVOICE, balance),
		Figure("total_spent", INVOICE, total_spent),
		Figure("invoice_count", INVOICE, invoice_count),
		Figure("average_invoice", INVOICE, average_invoice),
		Figure("first_invoice", INVOICE, first_invoice),
		Figure("last_invoice", INVOICE, last_invoice),
	]
