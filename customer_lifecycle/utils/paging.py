"""A page of a customer's records as the customer form's tables show them (engagements, invoices,
payments, information requests, service subscriptions and events): a page at a time, with the count
of all, so a customer with thousands of records opens as fast as one with a few. Read with
frappe.get_list: the user's permissions (and User Permissions) apply."""

from collections.abc import Callable

import frappe
from frappe.utils import cint

from customer_lifecycle.utils.doctypes import CUSTOMER

PAGE_LENGTH = 20
MAX_PAGE_LENGTH = 100


def bounds(start, page_length, default: int = PAGE_LENGTH) -> tuple[int, int]:
	"""(start, page length) as asked, within reason: from 0, at most MAX_PAGE_LENGTH rows."""
	return max(0, cint(start)), min(MAX_PAGE_LENGTH, max(1, cint(page_length) or default))


def page(
	doctype: str, filters: dict, fields: list, order_by: str, start: int = 0, page_length: int = PAGE_LENGTH
) -> dict:
	"""{rows, total, start, page_length}: the rows of one page, and how many there are in all."""
	start, page_length = bounds(start, page_length)
	rows = frappe.get_list(
		doctype,
		filters=filters,
		fields=fields,
		order_by=order_by,
		limit_start=start,
		limit_page_length=page_length,
	)
	total = frappe.db.count(doctype, filters) if rows or start else 0
	return {"rows": rows, "total": total, "start": start, "page_length": page_length}


def customer_tab(customer: str, read: Callable[[], dict]) -> dict:
	"""`read()`, a page of one of the customer's tabs, for a user who may read the customer. The
	customer is checked first: a caller who may not read it learns nothing, not even whether the tab
	is empty or which of its arguments are wrong."""
	frappe.has_permission(CUSTOMER, "read", customer, throw=True)
	return read()
