"""Service plans over HTTP: the customer form's Service tab, and Frappe's calendar events for staff.
Each method checks permission first; none changes data."""

from datetime import date

import frappe
from frappe import _
from frappe.desk.doctype.event import event

from customer_lifecycle.portal.access import is_portal_user
from customer_lifecycle.service import ledgers
from customer_lifecycle.utils import paging
from customer_lifecycle.utils.args import choice_arg, json_arg


@frappe.whitelist(methods=["GET"])
def customer_records(
	customer: str, ledger: str, start: int = 0, page_length: int = paging.PAGE_LENGTH
) -> dict:
	"""A page of the customer's subscriptions, or of its upcoming or past events (`ledger`):
	{rows, total, start, page_length}."""
	return paging.customer_tab(
		customer,
		lambda: ledgers.page(customer, choice_arg(ledger, "ledger", ledgers.LEDGERS), start, page_length),
	)


@frappe.whitelist(methods=["GET"])
def get_events(
	start: date, end: date, user: str | None = None, for_reminder: bool = False, filters: str | None = None
) -> list[dict]:
	"""Frappe's calendar events (frappe.desk.doctype.event.event.get_events, which this replaces over
	HTTP), for staff and for themselves only. Frappe's reads them with raw SQL, without the permission
	hooks: any login could read another user's private events (a service visit's site address and
	access contact among them) by naming that user, and a portal user every public event."""
	if is_portal_user() or (user and user != frappe.session.user):
		frappe.throw(
			_("{0}: you can only read your own calendar.").format(frappe.bold(_("User"))),
			frappe.PermissionError,
		)
	if filters:
		# Frappe's reads them as JSON: a list of filters, or a dict of them
		kind = list if str(filters).lstrip().startswith("[") else dict
		filters = frappe.as_json(json_arg(filters, "filters", kind))
	return event.get_events(start, end, user=frappe.session.user, for_reminder=for_reminder, filters=filters)
