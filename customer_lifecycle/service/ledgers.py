"""What the customer form's Service tab shows, a page at a time as its other tabs do (billing/ledgers.py):
the customer's subscriptions, and the events associated with it, upcoming and past.

The events associated with a customer are those it takes part in (Event Participants) or that
reference it. A user sees those Frappe lets them read (public ones, their own, those shared with
them), and the visits of its service plans to anyone who may read the customer's subscriptions: a
visit is private to the staff user who makes it, and the rows say whether the user may open it.
"""

import frappe
from frappe.utils import get_datetime, get_fullname, nowdate

from customer_lifecycle.service.job import SUBSCRIPTION_FIELDS
from customer_lifecycle.service.visits import ADDRESS_LINES, one_line
from customer_lifecycle.utils.doctypes import CUSTOMER, EVENT, SERVICE_PLAN, SUBSCRIPTION
from customer_lifecycle.utils import paging

LEDGERS = ("subscriptions", "upcoming_events", "past_events")
EVENT_FIELDS = [
	"name",
	"subject",
	"starts_on",
	"ends_on",
	"status",
	"location",
	"owner",
	"reference_doctype",
	"reference_docname",
]


def page(customer: str, ledger: str, start: int = 0, page_length: int = paging.PAGE_LENGTH) -> dict:
	"""{rows, total, start, page_length} of one of the Service tab's tables."""
	if ledger == "subscriptions":
		return subscriptions(customer, start, page_length)
	start, page_length = paging.bounds(start, page_length)
	rows, total = events(customer, ledger == "upcoming_events", start, page_length)
	return {"rows": rows, "total": total, "start": start, "page_length": page_length}


def subscriptions(customer: str, start: int, page_length: int) -> dict:
	"""A page of the customer's subscriptions, each with its plan's terms and its site on one line."""
	result = paging.page(
		SUBSCRIPTION,
		{"customer": customer},
		list(SUBSCRIPTION_FIELDS),
		"start_date desc, creation desc",
		start,
		page_length,
	)
	rows = result["rows"]
	if not rows:
		return result
	plans = {
		row.name: row
		for row in frappe.get_all(
			SERVICE_PLAN,
			filters={"name": ("in", {row.plan for row in rows})},
			fields=["name", "frequency", "visits_per_period", "price", "currency"],
		)
	}
	addresses = {
		row.name: row
		for row in frappe.get_all(
			"Address",
			filters={"name": ("in", {row.site_address for row in rows})},
			fields=["name", *ADDRESS_LINES],
		)
	}
	for row in rows:
		plan = plans.get(row.plan) or {}
		row.update({key: plan.get(key) for key in ("frequency", "visits_per_period", "price", "currency")})
		row.site = one_line(addresses.get(row.site_address) or {})
		row.assigned_to_name = get_fullname(row.assigned_to) if row.assigned_to else None
	return result


def associated_events(customer: str) -> list[str]:
	"""The events the customer takes part in, or that reference it."""
	taking_part = frappe.get_all(
		"Event Participants",
		filters={"parenttype": EVENT, "reference_doctype": CUSTOMER, "reference_docname": customer},
		pluck="parent",
	)
	referencing = frappe.get_all(
		EVENT, filters={"reference_doctype": CUSTOMER, "reference_docname": customer}, pluck="name"
	)
	return list(dict.fromkeys(taking_part + referencing))


def events(customer: str, upcoming: bool, start: int, page_length: int) -> tuple[list, int]:
	"""A page of the customer's events from today on (soonest first) or before today (latest first)."""
	names = associated_events(customer)
	if not names:
		return [], 0
	# the events Frappe lets the user read; and every visit, to who may read the subscriptions
	readable = set(frappe.get_list(EVENT, filters={"name": ("in", names)}, pluck="name"))
	visits_too = frappe.has_permission(SUBSCRIPTION, "read")
	today = get_datetime(nowdate())
	rows = [
		row
		for row in frappe.get_all(EVENT, filters={"name": ("in", names)}, fields=EVENT_FIELDS)
		if (row.name in readable or (visits_too and row.reference_doctype == SUBSCRIPTION))
		and (row.starts_on >= today) == upcoming
	]
	rows.sort(key=lambda row: (row.starts_on, row.name), reverse=not upcoming)
	shown = rows[start : start + page_length]
	for row in shown:
		row.can_open = row.name in readable
		row.owner_name = get_fullname(row.owner)
		row.is_visit = row.reference_doctype == SUBSCRIPTION
	return shown, len(rows)
