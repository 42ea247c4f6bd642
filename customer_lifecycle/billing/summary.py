"""The billing counts of the Customer 360 header (registered through the `customer_summary_figures`
hook, see customers/summary.py): open engagements and open invoices, each a scalar subquery read in
the summary's one SELECT. The money figures are stored on the customer (billing/figures.py)."""

from frappe.query_builder import DocType
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


def figures() -> list[Figure]:
	return [
		Figure("open_engagements", open_engagements),
		Figure("open_invoices", open_invoices),
	]
