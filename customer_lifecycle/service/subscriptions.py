"""A customer's subscription to a service plan: what makes one valid, and what its status says.

- The site address is one of the customer's addresses (linked to it) marked as a site address.
- The visits are made by a staff user: the one chosen, else the customer's assignee, else whoever
  makes the subscription.
- The plan's price is in the firm's currency, which must be the customer's (an invoice is in the
  customer's currency).
- The status follows the customer and the end date (rules.status): a customer who leaves the
  billable states (Customer Lifecycle Settings) puts its subscriptions on hold, and the reason names
  its state; the daily job (service/job.py) makes the same decision each day and puts them back
  when the customer is billable again.
"""

import frappe
from frappe import _
from frappe.utils import getdate, nowdate

from customer_lifecycle.billing import gate
from customer_lifecycle.billing.currency import customer_currency
from customer_lifecycle.service import rules
from customer_lifecycle.utils.doctypes import CUSTOMER, INVOICE, SERVICE_PLAN, STATE_FIELD


def check_plan(doc) -> None:
	"""A new subscription, or a change of plan, takes a plan that is not disabled, priced in the
	customer's currency."""
	if not (doc.is_new() or doc.has_value_changed("plan")):
		return
	plan = frappe.db.get_value(SERVICE_PLAN, doc.plan, ["disabled", "currency"], as_dict=True)
	if plan.disabled:
		frappe.throw(
			_("{0} {1} is disabled: choose another plan.").format(_(SERVICE_PLAN), frappe.bold(doc.plan)),
			title=_("Disabled Plan"),
		)
	currency = customer_currency(doc.customer)
	if plan.currency and currency != plan.currency:
		frappe.throw(
			_("{0} is priced in {1}, and {2} is invoiced in {3}: choose a plan in {3}.").format(
				frappe.bold(doc.plan),
				frappe.bold(plan.currency),
				frappe.bold(doc.customer),
				frappe.bold(currency),
			),
			title=_("Other Currency"),
		)


def check_site_address(doc) -> None:
	"""The site address is linked to the customer and marked as a site address (when chosen)."""
	if not (doc.is_new() or doc.has_value_changed("site_address") or doc.has_value_changed("customer")):
		return
	label = frappe.bold(_(doc.meta.get_label("site_address")))
	linked = frappe.db.exists(
		"Dynamic Link",
		{
			"parenttype": "Address",
			"parent": doc.site_address,
			"link_doctype": CUSTOMER,
			"link_name": doc.customer,
		},
	)
	if not linked:
		frappe.throw(
			_("{0}: {1} is not an address of {2}. Choose one of its site addresses.").format(
				label, frappe.bold(doc.site_address), frappe.bold(doc.customer)
			),
			frappe.LinkValidationError,
			title=_("Not the Customer's Address"),
		)
	address = frappe.db.get_value("Address", doc.site_address, ["is_site_address", "disabled"], as_dict=True)
	if not address.is_site_address or address.disabled:
		frappe.throw(
			_("{0}: {1} is not marked as a site address. Tick {2} on it, or choose another.").format(
				label, frappe.bold(doc.site_address), frappe.bold(_("Site Address"))
			),
			frappe.ValidationError,
			title=_("Not a Site Address"),
		)


def set_assignee(doc) -> None:
	"""Who makes the visits: the user chosen, else the customer's first assignee, else the user
	making the subscription; always an enabled staff user."""
	if not doc.assigned_to:
		assigned = frappe.parse_json(frappe.db.get_value(CUSTOMER, doc.customer, "_assign") or "[]") or []
		doc.assigned_to = next((user for user in assigned if is_staff(user)), None) or frappe.session.user
	if not is_staff(doc.assigned_to):
		frappe.throw(
			_("{0}: {1} is not an enabled staff user. Choose who makes the visits.").format(
				frappe.bold(_(doc.meta.get_label("assigned_to"))), frappe.bold(doc.assigned_to)
			),
			frappe.ValidationError,
			title=_("Not a Staff User"),
		)


def is_staff(user: str | None) -> bool:
	row = frappe.db.get_value("User", user, ["user_type", "enabled"], as_dict=True) if user else None
	return bool(row and row.enabled and row.user_type == "System User")


def check_dates(doc) -> None:
	"""The end is not before the start; a next visit chosen is not before the start nor after the
	end, and the visits after it are counted from it; the first period to invoice is the start's,
	until one is invoiced."""
	start = getdate(doc.start_date)
	end = getdate(doc.end_date) if doc.end_date else None
	if end and end < start:
		throw_date(doc, "end_date", _("cannot be before the start date"))
	if doc.is_new():
		doc.next_visit_date = doc.next_visit_date or start
	chosen = doc.is_new() or doc.has_value_changed("next_visit_date")
	if doc.next_visit_date and chosen:
		if getdate(doc.next_visit_date) < start:
			throw_date(doc, "next_visit_date", _("cannot be before the start date"))
		if end and getdate(doc.next_visit_date) > end:
			throw_date(doc, "next_visit_date", _("cannot be after the end date"))
		doc.visit_anchor = doc.next_visit_date
	elif doc.next_visit_date and end and getdate(doc.next_visit_date) > end:
		# the end moved before the next visit: there is none
		doc.next_visit_date = None
	if doc.is_new() or (doc.has_value_changed("start_date") and not invoiced(doc.name)):
		doc.next_invoice_date = start
	elif doc.has_value_changed("start_date"):
		throw_date(doc, "start_date", _("cannot change once a period is invoiced"))


def throw_date(doc, fieldname: str, problem: str) -> None:
	frappe.throw(
		_("{0} {1}.").format(frappe.bold(_(doc.meta.get_label(fieldname))), problem),
		frappe.ValidationError,
		title=_("Invalid Date"),
	)


def invoiced(subscription: str) -> bool:
	return bool(frappe.db.exists(INVOICE, {"service_subscription": subscription}))


def set_status(doc) -> None:
	"""The status and its reason, by the customer's state and the end date, today."""
	state = frappe.db.get_value(CUSTOMER, doc.customer, STATE_FIELD)
	allowed = gate.billable_states()
	doc.status = rules.status(
		state in allowed, getdate(doc.end_date) if doc.end_date else None, getdate(nowdate())
	)
	doc.status_reason = reason(doc.status, state, doc.end_date, allowed)


def reason(status: str, state: str | None, end_date, allowed: list[str]) -> str:
	"""Why a subscription is not active (empty when it is)."""
	if status == rules.ENDED:
		return _("Ended on {0}.").format(frappe.format(end_date, "Date"))
	if status == rules.ON_HOLD:
		return _("The customer is {0}: no visits or invoices until it is {1} again.").format(
			_(state or ""), " / ".join(_(s) for s in allowed) or _("(no state)")
		)
	return ""
