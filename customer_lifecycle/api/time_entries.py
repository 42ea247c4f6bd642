"""Time entries and profitability over HTTP: the rate in force as an entry is typed, an engagement's
time and the user's running timer, starting and stopping the timer, invoicing unbilled time, and a
customer's profitability. Each method checks permission first; changes are POST only."""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Coalesce, Count, Sum
from frappe.utils import cint, flt

from customer_lifecycle.billing import profitability, rules, time_entries, time_invoicing
from customer_lifecycle.utils.doctypes import CUSTOMER, ENGAGEMENT, INVOICE, STAFF_RATE, TIME_ENTRY

# the entries an engagement's form lists, newest first
ENGAGEMENT_ENTRIES = 20


@frappe.whitelist(methods=["GET"])
def rate_in_force(
	engagement: str, activity: str | None = None, user: str | None = None, hours: float = 0
) -> dict:
	"""The rate in force for time on an engagement ({rate, source, currency}) and what `hours` of it
	are worth (amount): the Time Entry form shows it as the activity, engagement or hours change."""
	frappe.has_permission(ENGAGEMENT, "read", engagement, throw=True)
	frappe.has_permission(TIME_ENTRY, "read", throw=True)
	customer = frappe.db.get_value(ENGAGEMENT, engagement, "customer")
	found = time_entries.rate_in_force(customer, activity, user or frappe.session.user)
	return {**found, "amount": rules.time_value(hours, found.rate)}


@frappe.whitelist(methods=["GET"])
def engagement_time(engagement: str) -> dict:
	"""An engagement's time for its form: the newest entries (as the user may list them), how many there
	are, the hours and the unbilled value, its currency, and the user's running timer (on any engagement)."""
	frappe.has_permission(ENGAGEMENT, "read", engagement, throw=True)
	entries = frappe.get_list(
		TIME_ENTRY,
		filters={"engagement": engagement},
		fields=[
			"name",
			"date",
			"user",
			"activity",
			"description",
			"hours",
			"billable",
			"amount",
			"currency",
			"invoice",
			"timer_started_at",
		],
		order_by="date desc, creation desc",
		limit_page_length=ENGAGEMENT_ENTRIES,
	)
	table = frappe.qb.DocType(TIME_ENTRY)
	unbilled = Case().when((table.billable == 1) & table.invoice.isnull(), table.amount).else_(0)
	[(count, hours, value)] = (
		frappe.qb.from_(table)
		.select(Count("*"), Coalesce(Sum(table.hours), 0), Coalesce(Sum(unbilled), 0))
		.where(table.engagement == engagement)
		.run()
	)
	return {
		"entries": entries,
		"count": count,
		"hours": flt(hours, 2),
		"unbilled": flt(value, 2),
		"currency": frappe.db.get_value(
			CUSTOMER, frappe.db.get_value(ENGAGEMENT, engagement, "customer"), "currency"
		),
		"timer": time_entries.running_timer(frappe.session.user),
		"can_invoice": bool(frappe.has_permission(INVOICE, "create")),
	}


@frappe.whitelist(methods=["POST"])
def start_timer(
	engagement: str, activity: str, description: str | None = None, billable: bool = True
) -> dict:
	"""Start the user's timer on an engagement (the server records when); the user's running timer."""
	frappe.has_permission(ENGAGEMENT, "read", engagement, throw=True)
	frappe.has_permission(TIME_ENTRY, "create", throw=True)
	time_entries.start_timer(engagement, activity, description, bool(cint(billable)))
	return time_entries.running_timer(frappe.session.user)


@frappe.whitelist(methods=["POST"])
def stop_timer(entry: str) -> dict:
	"""Stop a running timer: the entry gets the hours elapsed ({name, hours, amount, currency})."""
	frappe.has_permission(TIME_ENTRY, "write", entry, throw=True)
	return time_entries.stop_timer(entry)


@frappe.whitelist(methods=["POST"])
def invoice_unbilled_time(
	customer: str | None = None, engagement: str | None = None, lines: str = rules.PER_ENTRY
) -> str:
	"""A draft invoice of the unbilled billable time of an engagement, or of all the customer's, with a
	line per entry or per activity (`lines`: "entry" or "activity"); the invoice's name."""
	if engagement:
		frappe.has_permission(ENGAGEMENT, "read", engagement, throw=True)
	else:
		frappe.has_permission(CUSTOMER, "read", customer, throw=True)
	frappe.has_permission(INVOICE, "create", throw=True)
	if lines not in (rules.PER_ENTRY, rules.PER_ACTIVITY):
		frappe.throw(
			_("{0} must be {1} or {2}.").format(frappe.bold("lines"), rules.PER_ENTRY, rules.PER_ACTIVITY),
			title=_("Invalid Argument"),
		)
	return time_invoicing.invoice_unbilled(customer=customer, engagement=engagement, per=lines)


@frappe.whitelist(methods=["GET"])
def customer_profitability(customer: str) -> dict:
	"""Revenue, cost of time, margin and unbilled time of each of the customer's engagements and of the
	customer (the Financials tab). Costs come from the users' cost rates: for those who may read them."""
	frappe.has_permission(CUSTOMER, "read", customer, throw=True)
	frappe.has_permission(STAFF_RATE, "read", throw=True)
	return profitability.customer_profitability(customer)
