"""Time entries: staff log hours on a customer's engagement, by hand or with a timer, and each entry
carries what it is worth at the rate in force for the customer, in the customer's currency.

The rate in force for an activity (its name is the item code of Customer Rates) is, in this order:
the customer's own Customer Rate, its category's, the activity's default (Billing Activity), the
user's billing rate (Staff Rate). A rate in another currency than the customer's does not apply
(nothing is converted); a Customer Rate of 0 is a rate, while the activity's and the user's count
only when set (a Currency field left empty holds 0). A billable entry must be worth something.

Bad input is refused with a message that starts with the field: hours not above 0, a user's day
past 24 hours (the sum of their entries of that date, read under a lock on the user's row so that
two entries saved at once cannot both fit), billable time on a customer that may not be billed
(billing/gate.py; time that is not billable may still be logged, nothing is billed by it), and an
entry that an invoice has billed (it is locked until the invoice is cancelled, or deleted as a draft).

The timer is a time entry that is running: starting it records when, on the server, and stopping it
sets the hours of the time elapsed (rules.timer_hours). A user runs one timer at a time; one left
running too long to fit the day is stopped by typing the hours worked on the entry.
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce, Sum
from frappe.utils import flt, get_datetime, now_datetime, nowdate, time_diff_in_seconds

from customer_lifecycle.billing import gate, rules
from customer_lifecycle.billing.currency import default_currency
from customer_lifecycle.utils.doctypes import ACTIVITY, CUSTOMER, ENGAGEMENT, RATE, STAFF_RATE, TIME_ENTRY

# where a rate came from, in the order the lookup tries them (stored on the entry as rate_source)
CUSTOMER_RATE = "Customer Rate"
CATEGORY_RATE = "Category Rate"
ACTIVITY_DEFAULT = "Activity Default"
USER_RATE = "Staff Rate"


class BilledTimeError(frappe.ValidationError):
	"""A time entry an invoice has billed cannot change or go."""


class TimerError(frappe.ValidationError):
	"""A timer that cannot start or stop."""


def field_error(field: str, message: str, title: str | None = None, exc=frappe.ValidationError):
	"""Refuse with a message that starts with the field's label."""
	frappe.throw(
		_("{0}: {1}").format(frappe.bold(_(field)), message),
		exc,
		title=title or _("Invalid {0}").format(_(field)),
	)


# --- the rate in force ----------------------------------------------------------------------------


def rate_in_force(customer: str, activity: str | None, user: str | None) -> frappe._dict:
	"""{rate, source, currency}: the rate an hour of `activity` by `user` is billed at to `customer`,
	where it came from (None when nothing gives one: rate 0) and the customer's currency."""
	row = frappe.db.get_value(CUSTOMER, customer, ["customer_category", "currency"], as_dict=True) or {}
	firm = default_currency()
	currency = row.get("currency") or firm
	candidates = []
	if activity:
		rates = frappe.get_all(
			RATE,
			filters={"item_code": activity},
			or_filters={"customer": customer, "customer_category": row.get("customer_category") or "\0"},
			fields=["customer", "rate", "currency"],
		)
		for source, own in ((CUSTOMER_RATE, True), (CATEGORY_RATE, False)):
			match = next((r for r in rates if bool(r.customer) == own), None)
			# a category's rate with no currency is in the firm's (customer_rate.json)
			if match and (match.currency or firm) == currency:
				candidates.append((source, match.rate))
		if firm == currency:
			candidates.append(
				(ACTIVITY_DEFAULT, flt(frappe.db.get_value(ACTIVITY, activity, "default_rate")) or None)
			)
	if user and firm == currency:
		candidates.append((USER_RATE, flt(frappe.db.get_value(STAFF_RATE, user, "billing_rate")) or None))
	source, rate = rules.first_rate(candidates)
	return frappe._dict(rate=rate, source=source, currency=currency)


def cost_rates(users: list[str]) -> dict[str, float]:
	"""Each user's cost rate per hour (Staff Rate; in the firm's currency), 0 when not set."""
	if not users:
		return {}
	return {
		r.name: flt(r.cost_rate)
		for r in frappe.get_all(STAFF_RATE, filters={"name": ("in", users)}, fields=["name", "cost_rate"])
	}


# --- the controller's steps -----------------------------------------------------------------------


def check_not_billed(entry) -> None:
	"""Time Entry.validate and on_trash, first: an entry an invoice billed cannot change or be deleted
	(read under the row's lock, so that invoicing and an edit never cross); the invoice link is set by
	invoicing only."""
	billed = (
		None if entry.is_new() else frappe.db.get_value(TIME_ENTRY, entry.name, "invoice", for_update=True)
	)
	if billed:
		field_error(
			"Invoice",
			_(
				"{0} billed this time: it cannot change or be deleted while billed. Cancel the invoice (or delete it while a draft) to free it."
			).format(frappe.bold(billed)),
			title=_("Billed Time"),
			exc=BilledTimeError,
		)
	if entry.invoice:
		field_error(
			"Invoice",
			_("it is set when the time is invoiced (Invoice Unbilled Time), not by hand."),
			exc=BilledTimeError,
		)


def set_engagement(entry) -> None:
	"""The customer (and its name) from the engagement; the user is the session's by default."""
	engagement = frappe.db.get_value(
		ENGAGEMENT, entry.engagement, ["title", "customer", "customer_name"], as_dict=True
	)
	if not engagement:
		field_error("Engagement", _("{0} does not exist.").format(frappe.bold(entry.engagement)))
	entry.engagement_title = engagement.title
	entry.customer = engagement.customer
	entry.customer_name = engagement.customer_name
	entry.user = entry.user or frappe.session.user
	entry.date = entry.date or nowdate()


def is_running(entry) -> bool:
	return bool(entry.timer_started_at)


def check_timer(entry) -> None:
	"""When a timer started is the server's to say: only start_timer and stop_timer change it. Hours
	typed on a running timer stop it with those hours (a timer left running overnight cannot stop by
	itself: its elapsed time would not fit the day)."""
	if entry.flags.timer:
		return
	before = entry.get_doc_before_save()
	started = before.timer_started_at if before else None
	if (get_datetime(entry.timer_started_at) if entry.timer_started_at else None) != (
		get_datetime(started) if started else None
	):
		field_error(
			"Timer Running Since", _("is set by Start Timer and cleared by Stop Timer."), exc=TimerError
		)
	if started and flt(entry.hours) > 0:
		entry.timer_started_at = None


def check_hours(entry) -> None:
	"""More than 0 hours, unless the timer is still running (its hours come when it stops)."""
	if is_running(entry) and not flt(entry.hours):
		return
	if flt(entry.hours) <= 0:
		field_error("Hours", _("must be more than 0 (it is {0}).").format(flt(entry.hours)))


def check_billable(entry) -> None:
	"""Billable time only on a customer that may be billed (checked when the entry is new, or moves to
	another engagement, or becomes billable)."""
	if not entry.billable:
		return
	before = entry.get_doc_before_save()
	if before and before.engagement == entry.engagement and before.billable:
		return
	gate.check_billable(entry.customer, TIME_ENTRY, field="Engagement")


def lock_user(entry) -> None:
	"""The first lock of every save: the user's row, held until the save commits. Entries of one user
	are then saved one after the other, so two saved at the same moment are added up in check_day,
	not each checked alone. It comes before the entry's own row (which Frappe locks as the save
	begins, in check_if_latest), so that two edits of a user's entries wait for each other instead
	of each holding a row the other needs."""
	frappe.db.get_value("User", entry.user or frappe.session.user, "name", for_update=True)


def check_day(entry) -> None:
	"""The user's entries of the date, this one included, come to at most rules.HOURS_IN_A_DAY (read
	with the user's row locked, see lock_user)."""
	if not flt(entry.hours):
		return
	table = frappe.qb.DocType(TIME_ENTRY)
	[(other,)] = (
		frappe.qb.from_(table)
		.select(Coalesce(Sum(table.hours), 0))
		.where((table.user == entry.user) & (table.date == entry.date) & (table.name != (entry.name or "")))
		# a locking read: a plain one would see the transaction's snapshot, from before the lock
		.for_update()
		.run()
	)
	over = rules.day_overflow(entry.hours, other)
	if over:
		field_error(
			"Hours",
			_(
				"{0} would have {1} hours on {2}, {3} more than the {4} a day holds ({5} already logged that day)."
			).format(
				frappe.bold(entry.user),
				flt(entry.hours) + flt(other),
				frappe.format(entry.date, {"fieldtype": "Date"}),
				over,
				rules.HOURS_IN_A_DAY,
				flt(other),
			),
			title=_("Too Many Hours"),
		)


def set_value(entry) -> None:
	"""The rate in force and what the entry is worth, in the customer's currency. Time that is not
	billable is worth nothing to the customer (its cost still counts: profitability)."""
	found = rate_in_force(entry.customer, entry.activity, entry.user)
	entry.currency = found.currency
	if not entry.billable:
		entry.rate, entry.rate_source, entry.amount = 0, None, 0
		return
	entry.rate, entry.rate_source = found.rate, found.source
	entry.amount = rules.time_value(entry.hours, entry.rate)
	if found.rate <= 0:
		field_error(
			"Rate",
			_(
				"no rate above 0 is in force for {0} for {1} in {2}. Set a Customer Rate for it, a default rate on the activity or the user's Staff Rate, or untick Billable."
			).format(frappe.bold(entry.activity), frappe.bold(entry.customer), entry.currency),
		)


# --- the timer ------------------------------------------------------------------------------------


def running_timer(user: str) -> frappe._dict | None:
	"""The user's running timer (name, engagement, activity, when it started and the seconds since, by
	the server's clock), if any."""
	timer = frappe.db.get_value(
		TIME_ENTRY,
		{"user": user, "timer_started_at": ("is", "set")},
		["name", "engagement", "engagement_title", "activity", "timer_started_at"],
		as_dict=True,
	)
	if timer:
		timer.elapsed = max(0, time_diff_in_seconds(now_datetime(), get_datetime(timer.timer_started_at)))
	return timer


def start_timer(engagement: str, activity: str, description: str | None = None, billable: bool = True) -> str:
	"""Start the session user's timer on an engagement: a time entry of today, started now."""
	user = frappe.session.user
	frappe.db.get_value("User", user, "name", for_update=True)
	running = running_timer(user)
	if running:
		field_error(
			"Timer",
			_("your timer is already running on {0} since {1}: stop it first.").format(
				frappe.bold(running.engagement_title or running.engagement),
				frappe.format(running.timer_started_at, {"fieldtype": "Datetime"}),
			),
			title=_("Timer Running"),
			exc=TimerError,
		)
	entry = frappe.get_doc(
		{
			"doctype": TIME_ENTRY,
			"engagement": engagement,
			"activity": activity,
			"description": description,
			"billable": 1 if billable else 0,
			"user": user,
			"date": nowdate(),
			"timer_started_at": now_datetime(),
		}
	)
	entry.flags.timer = True
	entry.insert()
	return entry.name


def stop_timer(name: str) -> frappe._dict:
	"""Stop a running timer: its hours are the time elapsed since it started (rules.timer_hours), and
	the entry is checked and valued as any other."""
	frappe.db.get_value(TIME_ENTRY, name, "name", for_update=True)
	entry = frappe.get_doc(TIME_ENTRY, name)
	if not is_running(entry):
		field_error("Timer", _("{0} has no running timer.").format(frappe.bold(name)), exc=TimerError)
	seconds = time_diff_in_seconds(now_datetime(), get_datetime(entry.timer_started_at))
	entry.hours = rules.timer_hours(seconds)
	entry.timer_started_at = None
	entry.flags.timer = True
	entry.save()
	return frappe._dict(name=entry.name, hours=entry.hours, amount=entry.amount, currency=entry.currency)
