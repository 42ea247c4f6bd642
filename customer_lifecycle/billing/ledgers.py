"""A customer's engagements, invoices and payments as the tabs of its form show them: a page at a time
(utils/paging.py), newest first, with the count of all."""

import frappe
from frappe.utils import date_diff, getdate, nowdate

from customer_lifecycle.billing.engagements import CLOSED_STATUSES
from customer_lifecycle.utils import paging
from customer_lifecycle.utils.doctypes import ALLOCATION, ENGAGEMENT, INVOICE, PAYMENT

PAGE_LENGTH = paging.PAGE_LENGTH
LEDGERS = {
	"engagements": (
		ENGAGEMENT,
		["name", "title", "status", "due_date", "delivered_on", "creation"],
		"creation desc",
	),
	"invoices": (
		INVOICE,
		[
			"name",
			"status",
			"docstatus",
			"posting_date",
			"due_date",
			"total",
			"outstanding_amount",
			"retainer_drawn",
			"currency",
		],
		"posting_date desc, name desc",
	),
	"payments": (
		PAYMENT,
		[
			"name",
			"docstatus",
			"posting_date",
			"amount",
			"method",
			"reference",
			"is_retainer_deposit",
			"unallocated_amount",
			"currency",
		],
		"posting_date desc, name desc",
	),
}


def page(customer: str, ledger: str, start: int = 0, page_length: int = PAGE_LENGTH) -> dict:
	"""{rows, total, start, page_length} of one of the customer's ledgers."""
	doctype, fields, order_by = LEDGERS[ledger]
	result = paging.page(doctype, {"customer": customer}, fields, order_by, start, page_length)
	if ledger == "payments":
		add_invoices_paid(result["rows"])
	if ledger == "engagements":
		for row in result["rows"]:
			row.open_days = open_days(row)
	return result


def open_days(engagement) -> int | None:
	"""How long the engagement has been open: until its delivery, or until today; None when cancelled."""
	if engagement.delivered_on:
		return date_diff(engagement.delivered_on, getdate(engagement.creation))
	if engagement.status in CLOSED_STATUSES:
		return None
	return date_diff(nowdate(), getdate(engagement.creation))


def add_invoices_paid(payments: list[dict]) -> None:
	"""Each payment's allocations, as [{invoice, allocated_amount}], in one query for the page."""
	paid: dict[str, list] = {}
	if payments:
		for row in frappe.get_all(
			ALLOCATION,
			filters={"parent": ("in", [p.name for p in payments]), "parenttype": PAYMENT},
			fields=["parent", "invoice", "allocated_amount"],
			order_by="idx asc",
		):
			paid.setdefault(row.parent, []).append(
				{"invoice": row.invoice, "allocated_amount": row.allocated_amount}
			)
	for payment in payments:
		payment.invoices = paid.get(payment.name, [])
