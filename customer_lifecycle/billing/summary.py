"""The billing figures of the Customer 360 header (registered through the `customer_summary_figures`
hook, see customers/summary.py): open engagements, open invoices and the balance, each a scalar
subquery read in the summary's one SELECT."""

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Coalesce, Count, Sum
from pypika.queries import QueryBuilder

from customer_lifecycle.billing.engagements import CLOSED_STATUSES, ENGAGEMENT
from customer_lifecycle.billing.invoices import INVOICE
from customer_lifecycle.customers.summary import Figure


def open_engagements(customer: str) -> QueryBuilder:
	"""Engagements in any status but delivered or cancelled."""
	engagement = DocType(ENGAGEMENT)
	return (
		frappe.qb.from_(engagement)
		.select(Count("*"))
		.where((engagement.customer == customer) & engagement.status.notin(CLOSED_STATUSES))
	)


def open_invoices(customer: str) -> QueryBuilder:
	"""Submitted invoices not paid in full."""
	invoice = DocType(INVOICE)
	return (
		frappe.qb.from_(invoice)
		.select(Count("*"))
		.where((invoice.customer == customer) & (invoice.docstatus == 1) & (invoice.outstanding_amount > 0))
	)


def balance(customer: str) -> QueryBuilder:
	"""What the customer owes: the sum of its submitted invoices' outstanding amounts."""
	invoice = DocType(INVOICE)
	return (
		frappe.qb.from_(invoice)
		.select(Coalesce(Sum(invoice.outstanding_amount), 0))
		.where((invoice.customer == customer) & (invoice.docstatus == 1))
	)


def figures() -> list[Figure]:
	return [
		Figure("open_engagements", ENGAGEMENT, open_engagements),
		Figure("open_invoices", INVOICE, open_invoices),
		Figure("balance", INVOICE, balance),
	]
