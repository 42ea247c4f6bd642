"""Time entries, billed at the customer's rate: the rate in force and its order, what entries are
worth, the refusals (each naming its field), the 24-hour day (also when two entries are saved at the
same moment), the billable gate, the timer, invoicing unbilled time per entry and per activity, the
locks on billed time and what frees it, the customer's profitability against hand-computed figures
(in a fixed number of queries), the Customer Profitability report and the "My Time" filter."""

import json
import uuid

import frappe
import pytest
from frappe.client import set_value
from frappe.utils import add_days, add_to_date, now_datetime, nowdate

from customer_lifecycle.api import time_entries as api
from customer_lifecycle.benchmarks.reports import counting_queries, report_runner
from customer_lifecycle.billing import time_entries
from customer_lifecycle.billing.gate import NotBillableError
from customer_lifecycle.billing.setup import SESSION_USER, TIME_FILTERS
from customer_lifecycle.billing.time_entries import BilledTimeError, TimerError
from customer_lifecycle.lifecycle.engine import apply_action
from tests.factories import (
	make_activity,
	make_engagement,
	make_invoice,
	make_staff_rate,
	make_time_entry,
)
from tests.helpers import as_user, run_in_threads

ADMIN = "Administrator"


def make_category() -> str:
	return (
		frappe.get_doc({"doctype": "Customer Category", "category_name": f"Time {uuid.uuid4().hex[:8]}"})
		.insert()
		.name
	)


def make_rate(activity: str, rate, customer: str | None = None, category: str | None = None):
	return frappe.get_doc(
		{
			"doctype": "Customer Rate",
			"item_code": activity,
			"rate": rate,
			"customer": customer,
			"customer_category": category,
		}
	).insert()


@pytest.fixture
def work(active_customer):
	"""An active customer of a category of its own, an engagement of it, an activity at a default
	rate of 80, and Administrator's Staff Rate (billing 60, cost 40)."""
	category = make_category()
	customer = active_customer(customer_category=category)
	engagement = make_engagement(customer.name)
	activity = make_activity(default_rate=80)
	make_staff_rate(ADMIN, billing_rate=60, cost_rate=40)
	return frappe._dict(
		customer=customer.name, category=category, engagement=engagement.name, activity=activity
	)


def entry_values(name: str) -> frappe._dict:
	return frappe.db.get_value(
		"Time Entry", name, ["rate", "rate_source", "amount", "currency", "invoice", "hours"], as_dict=True
	)


# --- the rate in force ----------------------------------------------------------------------------


def test_the_rate_in_force_customer_then_category_then_activity_then_user(work):
	def found():
		return time_entries.rate_in_force(work.customer, work.activity, ADMIN)

	customer_rate = make_rate(work.activity, 150, customer=work.customer)
	category_rate = make_rate(work.activity, 120, category=work.category)
	assert (found().source, found().rate) == ("Customer Rate", 150)
	customer_rate.delete()
	assert (found().source, found().rate) == ("Category Rate", 120)
	category_rate.delete()
	assert (found().source, found().rate) == ("Activity Default", 80)
	frappe.db.set_value("Billing Activity", work.activity, "default_rate", 0)
	assert (found().source, found().rate) == ("Staff Rate", 60)
	make_staff_rate(ADMIN, billing_rate=0, cost_rate=40)
	assert (found().source, found().rate) == (None, 0)
	assert found().currency == "GBP"


def test_a_customer_rate_of_another_customer_or_category_does_not_apply(work, active_customer):
	other = active_customer(customer_category=make_category())
	make_rate(work.activity, 999, customer=other.name)
	make_rate(work.activity, 888, category=frappe.db.get_value("Customer", other.name, "customer_category"))
	assert time_entries.rate_in_force(work.customer, work.activity, ADMIN).rate == 80


def test_rates_in_another_currency_than_the_customers_do_not_apply(work, active_customer):
	frappe.db.set_value("Currency", "EUR", "enabled", 1)
	euro = active_customer(currency="EUR", customer_category=work.category)
	engagement = make_engagement(euro.name)
	# the activity's default and the user's rate are in the firm's currency (GBP): not for euros
	found = time_entries.rate_in_force(euro.name, work.activity, ADMIN)
	assert (found.source, found.rate, found.currency) == (None, 0, "EUR")
	with pytest.raises(frappe.ValidationError, match="Rate"):
		make_time_entry(engagement.name, 1, work.activity)
	make_rate(work.activity, 110, customer=euro.name)
	entry = make_time_entry(engagement.name, 2, work.activity)
	assert (entry.rate, entry.amount, entry.currency, entry.rate_source) == (110, 220, "EUR", "Customer Rate")
	assert "€" in entry.get_formatted("amount")


def test_the_form_is_shown_the_rate_as_it_is_entered(work):
	make_rate(work.activity, 95, customer=work.customer)
	shown = api.rate_in_force(work.engagement, work.activity, hours=2.5)
	assert (shown["rate"], shown["source"], shown["amount"], shown["currency"]) == (
		95,
		"Customer Rate",
		237.5,
		"GBP",
	)
	# no activity yet: the user's rate
	assert api.rate_in_force(work.engagement)["source"] == "Staff Rate"


# --- values ----------------------------------------------------------------------------------------


def test_an_entry_is_worth_its_hours_at_the_rate_in_force(work):
	make_rate(work.activity, 33.35, customer=work.customer)
	entry = make_time_entry(work.engagement, 0.3, work.activity, description="Call")
	assert (entry.customer, entry.user, str(entry.date)) == (work.customer, ADMIN, nowdate())
	assert (entry.rate, entry.amount, entry.rate_source) == (33.35, 10.01, "Customer Rate")
	entry.hours = 1.5
	entry.save()
	assert entry_values(entry.name).amount == 50.03
	# time that is not billable is worth nothing to the customer
	free = make_time_entry(work.engagement, 2, work.activity, billable=0)
	assert (free.rate, free.amount, free.rate_source) == (0, 0, None)


# --- refusals name the field -----------------------------------------------------------------------


@pytest.mark.parametrize("hours", [0, -1, -0.5])
def test_hours_must_be_more_than_zero(work, hours):
	with pytest.raises(frappe.ValidationError, match=r"^<strong>Hours</strong>: must be more than 0"):
		make_time_entry(work.engagement, hours, work.activity)


def test_a_billable_entry_needs_a_rate_above_zero(work):
	make_rate(work.activity, 0, customer=work.customer)  # 0 is a rate: it wins, and is worth nothing
	with pytest.raises(frappe.ValidationError, match=r"^<strong>Rate</strong>: no rate above 0"):
		make_time_entry(work.engagement, 1, work.activity)
	assert make_time_entry(work.engagement, 1, work.activity, billable=0).amount == 0


def test_no_more_than_24_hours_in_a_users_day(work, personas):
	yesterday = add_days(nowdate(), -1)
	make_time_entry(work.engagement, 10, work.activity, date=yesterday)
	other = make_engagement(work.customer)
	make_time_entry(other.name, 13.5, work.activity, date=yesterday)
	with pytest.raises(frappe.ValidationError, match=r"^<strong>Hours</strong>: .* 0.75 more than the 24"):
		make_time_entry(work.engagement, 1.25, work.activity, date=yesterday)
	last = make_time_entry(work.engagement, 0.5, work.activity, date=yesterday)  # 24 exactly
	# editing an entry counts the others, not itself again
	last.hours = 0.4
	last.save()
	# another day, another user: each has 24 hours
	make_time_entry(work.engagement, 24, work.activity, date=add_days(nowdate(), -2))
	make_time_entry(work.engagement, 8, work.activity, date=yesterday, user=personas["user"])


def test_two_entries_saved_at_once_cannot_both_fill_the_day(site, committed_work):
	"""Each entry, raised to 15 hours, fits the day alone; saved at the same moment, one waits for the
	other's lock on the user's row and is refused. (Two new entries could not race here: naming them
	takes the naming series' row lock first, so the second waits before its checks begin.)"""
	day = add_days(nowdate(), -3)
	entries = [
		make_time_entry(committed_work.engagement, 1, committed_work.activity, date=day).name
		for _ in range(2)
	]
	frappe.db.commit()

	def work(i):
		entry = frappe.get_doc("Time Entry", entries[i])
		entry.hours = 15
		entry.save()

	# the racers meet where a save takes the user's lock, each with its entry loaded and changed
	race = run_in_threads(site, work, meet_in=(time_entries, "lock_user"))
	frappe.db.rollback()
	assert race.overlapped() and race.took_turns(), race
	assert sorted(race.outcomes) == ["ValidationError", "ok"], race
	assert sorted(
		frappe.get_all(
			"Time Entry", filters={"engagement": committed_work.engagement, "date": day}, pluck="hours"
		)
	) == [1, 15]


@pytest.fixture
def committed_work(site):
	"""`work`, committed so that other connections see it; removed afterwards."""
	from tests.factories import make_active_customer

	customer = make_active_customer()
	engagement = make_engagement(customer.name)
	activity = make_activity(default_rate=50)
	frappe.db.commit()
	yield frappe._dict(customer=customer.name, engagement=engagement.name, activity=activity)
	frappe.db.rollback()
	frappe.db.delete("Time Entry", {"engagement": engagement.name})
	frappe.db.delete("Engagement", engagement.name)
	frappe.db.delete("Billing Activity", activity)
	frappe.delete_doc("Customer", customer.name, force=True)
	frappe.db.commit()


def test_no_billable_time_on_a_customer_who_may_not_be_billed(work):
	apply_action(work.customer, "Mark Dormant")
	with pytest.raises(NotBillableError, match=r"^<strong>Engagement</strong>: .*Dormant"):
		make_time_entry(work.engagement, 1, work.activity)
	# time that bills nothing may still be logged
	entry = make_time_entry(work.engagement, 1, work.activity, billable=0)
	entry.billable = 1
	with pytest.raises(NotBillableError, match="Engagement"):
		entry.save()


def test_the_invoice_and_the_timer_are_not_set_by_hand(work):
	invoice = make_invoice(work.customer, submit=False)
	with pytest.raises(
		BilledTimeError, match=r"^<strong>Invoice</strong>: it is set when the time is invoiced"
	):
		make_time_entry(work.engagement, 1, work.activity, invoice=invoice.name)
	with pytest.raises(TimerError, match=r"^<strong>Timer Running Since</strong>"):
		make_time_entry(work.engagement, 1, work.activity, timer_started_at=now_datetime())


# --- the timer -------------------------------------------------------------------------------------


def test_the_timer_records_the_time_elapsed_on_the_server(work):
	with pytest.raises(TimerError, match="Timer"):
		time_entries.stop_timer(make_time_entry(work.engagement, 1, work.activity).name)
	running = api.start_timer(work.engagement, work.activity, "Workshop")
	assert running.engagement == work.engagement and running.elapsed < 60
	entry = frappe.get_doc("Time Entry", running.name)
	assert (entry.hours, entry.amount, entry.user, entry.description) == (0, 0, ADMIN, "Workshop")
	# what a reload of the engagement form reads
	assert api.engagement_time(work.engagement)["timer"].name == running.name
	# one timer at a time
	with pytest.raises(TimerError, match=r"^<strong>Timer</strong>: your timer is already running"):
		api.start_timer(make_engagement(work.customer).name, work.activity)
	# it started 1 h 33 min ago
	frappe.db.set_value(
		"Time Entry", running.name, "timer_started_at", add_to_date(now_datetime(), minutes=-93)
	)
	stopped = api.stop_timer(running.name)
	assert (stopped.hours, stopped.amount) == (1.6, 128)  # 1.55 h to the nearest tenth, at 80
	assert entry_values(running.name).hours == 1.6
	assert api.engagement_time(work.engagement)["timer"] is None


def test_a_timer_left_running_is_stopped_by_typing_the_hours(work):
	running = api.start_timer(work.engagement, work.activity)
	frappe.db.set_value(
		"Time Entry", running.name, "timer_started_at", add_to_date(now_datetime(), hours=-30)
	)
	# 30 hours do not fit a day
	with pytest.raises(frappe.ValidationError, match=r"^<strong>Hours</strong>: .*more than the 24"):
		api.stop_timer(running.name)
	assert time_entries.running_timer(ADMIN).name == running.name
	entry = frappe.get_doc("Time Entry", running.name)
	entry.hours = 7.5
	entry.save()
	assert (entry.timer_started_at, entry.hours, entry.amount) == (None, 7.5, 600)
	assert time_entries.running_timer(ADMIN) is None


def test_a_timer_starts_only_where_time_may_be_billed(work):
	apply_action(work.customer, "Mark Dormant")
	with pytest.raises(NotBillableError, match="Engagement"):
		api.start_timer(work.engagement, work.activity)
	assert time_entries.running_timer(ADMIN) is None


# --- invoicing unbilled time -----------------------------------------------------------------------


@pytest.fixture
def logged(work):
	"""On the engagement: 2 h and 1.5 h of the activity (at 80), 1 h of another activity (at 100),
	1 h not billable; on a second engagement of the customer, 3 h at 80."""
	other_activity = make_activity(default_rate=100)
	second = make_engagement(work.customer)
	e = [
		make_time_entry(work.engagement, 2, work.activity, date=add_days(nowdate(), -3)),
		make_time_entry(work.engagement, 1.5, work.activity, date=add_days(nowdate(), -2)),
		make_time_entry(work.engagement, 1, other_activity, date=add_days(nowdate(), -1)),
		make_time_entry(work.engagement, 1, work.activity, billable=0),
		make_time_entry(second.name, 3, work.activity),
	]
	return frappe._dict(work, entries=[x.name for x in e], other_activity=other_activity, second=second.name)


def invoice_rows(name: str) -> list[tuple]:
	invoice = frappe.get_doc("Customer Invoice", name)
	return [(row.item_code, row.qty, row.rate, row.amount) for row in invoice.items]


def test_invoice_an_engagements_unbilled_time_one_line_per_entry(logged):
	name = api.invoice_unbilled_time(engagement=logged.engagement, lines="entry")
	invoice = frappe.get_doc("Customer Invoice", name)
	assert (invoice.docstatus, invoice.customer, invoice.engagement, invoice.total) == (
		0,
		logged.customer,
		logged.engagement,
		380,
	)
	assert invoice_rows(name) == [
		(logged.activity, 2, 80, 160),
		(logged.activity, 1.5, 80, 120),
		(logged.other_activity, 1, 100, 100),
	]
	billed = [frappe.db.get_value("Time Entry", e, "invoice") for e in logged.entries]
	assert billed == [name, name, name, None, None]  # not the unbillable one, nor the other engagement's
	# nothing left to invoice there
	with pytest.raises(frappe.ValidationError, match="no unbilled time"):
		api.invoice_unbilled_time(engagement=logged.engagement)


def test_invoice_a_customers_unbilled_time_one_line_per_activity(logged):
	make_rate(logged.activity, 90, customer=logged.customer)
	# an entry saved now takes the new rate: the activity is billed at two rates, so two lines
	make_time_entry(logged.second, 0.5, logged.activity)
	name = api.invoice_unbilled_time(customer=logged.customer, lines="activity")
	invoice = frappe.get_doc("Customer Invoice", name)
	assert invoice.engagement is None  # time of two engagements
	assert invoice_rows(name) == [
		(logged.activity, 6.5, 80, 520),
		(logged.other_activity, 1, 100, 100),
		(logged.activity, 0.5, 90, 45),
	]
	assert invoice.total == 665
	assert "3 time entries" in invoice.items[0].description


def test_lines_are_per_entry_or_per_activity(logged):
	with pytest.raises(frappe.ValidationError, match="lines"):
		api.invoice_unbilled_time(engagement=logged.engagement, lines="customer")


def test_billed_time_is_locked(logged):
	name = api.invoice_unbilled_time(engagement=logged.engagement)
	entry = frappe.get_doc("Time Entry", logged.entries[0])
	entry.hours = 5
	with pytest.raises(
		BilledTimeError, match=rf"^<strong>Invoice</strong>: <strong>{name}</strong> billed this time"
	):
		entry.save()
	with pytest.raises(BilledTimeError, match="billed this time"):
		frappe.delete_doc("Time Entry", entry.name)
	with pytest.raises(BilledTimeError):
		set_value("Time Entry", entry.name, "description", "changed")
	assert entry_values(entry.name).hours == 2


def test_cancelling_the_invoice_frees_its_time(logged):
	name = api.invoice_unbilled_time(engagement=logged.engagement)
	invoice = frappe.get_doc("Customer Invoice", name)
	invoice.submit()
	with pytest.raises(BilledTimeError):
		frappe.delete_doc("Time Entry", logged.entries[0])
	invoice.cancel()
	assert [frappe.db.get_value("Time Entry", e, "invoice") for e in logged.entries[:3]] == [None] * 3
	# free to change, and to invoice again
	entry = frappe.get_doc("Time Entry", logged.entries[0])
	entry.hours = 2.5
	entry.save()
	again = api.invoice_unbilled_time(engagement=logged.engagement)
	assert frappe.db.get_value("Customer Invoice", again, "total") == 420


def test_deleting_a_draft_invoice_frees_its_time(logged):
	name = api.invoice_unbilled_time(engagement=logged.engagement)
	frappe.delete_doc("Customer Invoice", name)
	assert not frappe.db.exists("Customer Invoice", name)
	assert [frappe.db.get_value("Time Entry", e, "invoice") for e in logged.entries[:3]] == [None] * 3
	frappe.delete_doc("Time Entry", logged.entries[0])  # unbilled: it may go


def test_a_running_timer_is_not_invoiced(work):
	running = api.start_timer(work.engagement, work.activity)
	with pytest.raises(frappe.ValidationError, match="no unbilled time"):
		api.invoice_unbilled_time(engagement=work.engagement)
	assert entry_values(running.name).invoice is None


def test_unbilled_time_of_a_customer_who_may_not_be_billed_is_not_invoiced(logged):
	apply_action(logged.customer, "Mark Dormant")
	with pytest.raises(NotBillableError):
		api.invoice_unbilled_time(customer=logged.customer)
	assert all(entry_values(e).invoice is None for e in logged.entries)


# --- profitability ---------------------------------------------------------------------------------


def test_profitability_per_engagement_and_for_the_customer(logged, personas):
	"""By hand: Administrator's cost rate is 40, the Customer User's 25.

	engagement 1: 2 + 1.5 + 1 (billable) + 1 (not) = 5.5 h by Administrator, and 2 h by the user at
	80 (billable); invoiced: its first three entries (380), submitted; plus an invoice naming it for
	50 of other work. Revenue 430; cost 5.5 x 40 + 2 x 25 = 270; margin 160, 37.21 %; unbilled 160.
	engagement 2: 3 h (240) invoiced from the customer with nothing else: revenue 240; cost 120;
	margin 120, 50 %; unbilled 0. A third, draft invoice of 70 counts nowhere; an invoice of 30 naming
	no engagement counts for the customer only.
	customer: revenue 430 + 240 + 30 = 700; cost 390; margin 310, 44.29 %; unbilled 160; 10.5 h."""
	first = frappe.get_doc("Customer Invoice", api.invoice_unbilled_time(engagement=logged.engagement))
	first.submit()
	make_staff_rate(personas["user"], cost_rate=25)
	make_time_entry(logged.engagement, 2, logged.activity, user=personas["user"])
	second = frappe.get_doc("Customer Invoice", api.invoice_unbilled_time(engagement=logged.second))
	second.engagement = None
	second.save()
	second.submit()
	make_invoice(logged.customer, items=((1, 50),), engagement=logged.engagement)
	make_invoice(logged.customer, items=((1, 30),))
	make_invoice(logged.customer, items=((1, 70),), submit=False)

	figures = api.customer_profitability(logged.customer)
	rows = {row["engagement"]: row for row in figures["engagements"]}
	keys = ("hours", "revenue", "cost", "margin", "margin_percent", "unbilled")
	assert tuple(rows[logged.engagement][k] for k in keys) == (7.5, 430, 270, 160, 37.21, 160)
	assert tuple(rows[logged.second][k] for k in keys) == (3, 240, 120, 120, 50, 0)
	assert figures["other"]["revenue"] == 30
	assert tuple(figures["total"][k] for k in keys) == (10.5, 700, 390, 310, 44.29, 160)
	assert figures["currency"] == "GBP" and figures["cost_note"] is None


def test_profitability_takes_the_same_queries_whatever_the_number_of_engagements(logged):
	def queries():
		with counting_queries() as calls:
			api.customer_profitability(logged.customer)
		return len(calls)

	api.customer_profitability(logged.customer)  # warm the caches
	few = queries()
	for _i in range(4):
		engagement = make_engagement(logged.customer).name
		for hours in (1, 2):
			make_time_entry(engagement, hours, logged.activity)
	api.invoice_unbilled_time(customer=logged.customer)
	assert queries() == few
	assert len(api.customer_profitability(logged.customer)["engagements"]) == 6


def test_profitability_leaves_out_costs_in_another_currency(work, active_customer):
	frappe.db.set_value("Currency", "EUR", "enabled", 1)
	euro = active_customer(currency="EUR")
	engagement = make_engagement(euro.name)
	make_rate(work.activity, 100, customer=euro.name)
	make_time_entry(engagement.name, 2, work.activity)
	figures = api.customer_profitability(euro.name)
	assert figures["currency"] == "EUR" and "GBP" in figures["cost_note"]
	assert (figures["total"]["unbilled"], figures["total"]["cost"], figures["total"]["margin"]) == (
		200,
		None,
		None,
	)


def test_profitability_is_for_those_who_may_read_staff_rates(work, personas):
	with as_user(personas["user"]):
		with pytest.raises(frappe.PermissionError):
			api.customer_profitability(work.customer)
	with as_user(personas["manager"]):
		assert api.customer_profitability(work.customer)["total"]["revenue"] == 0


# --- the report ------------------------------------------------------------------------------------


def test_customer_profitability_report(logged, active_customer):
	"""The logged customer: 8.5 h (not the other month's), revenue 380 (submitted, in the range), cost
	8.5 x 40 = 340, margin 40 (10.53 %), unbilled 240 (engagement 2's 3 h at 80). A second customer of
	the category has only unbilled time: 2 h at 80, cost 80, no revenue. A euro customer is left out."""
	invoice = frappe.get_doc("Customer Invoice", api.invoice_unbilled_time(engagement=logged.engagement))
	invoice.submit()
	make_time_entry(logged.engagement, 4, logged.activity, date=add_days(nowdate(), -40))
	quiet = active_customer(customer_category=logged.category)
	make_time_entry(make_engagement(quiet.name).name, 2, logged.activity)
	frappe.db.set_value("Currency", "EUR", "enabled", 1)
	euro = active_customer(currency="EUR", customer_category=logged.category)
	make_rate(logged.activity, 100, customer=euro.name)
	make_time_entry(make_engagement(euro.name).name, 1, logged.activity)

	filters = {
		"from_date": add_days(nowdate(), -30),
		"to_date": nowdate(),
		"customer_category": logged.category,
	}
	_columns, rows, message, chart, summary = report_runner("Customer Profitability", filters)()
	keys = ("customer", "hours", "revenue", "cost", "margin", "margin_percent", "unbilled", "currency")
	assert [tuple(r[k] for k in keys) for r in rows] == [
		(logged.customer, 8.5, 380, 340, 40, 10.53, 240, "GBP"),
		(quiet.name, 2, 0, 80, -80, None, 160, "GBP"),
	]
	assert message is None
	assert chart["data"]["datasets"][0]["values"] == [380, 0]
	assert {s["label"]: s["value"] for s in summary}["Margin"] == -40

	_columns, rows, message, _chart, _summary = report_runner(
		"Customer Profitability", {**filters, "currency": "EUR"}
	)()
	assert [(r.customer, r.unbilled, r.cost, r.currency) for r in rows] == [(euro.name, 100, None, "EUR")]
	assert "GBP" in message


# --- My Time ---------------------------------------------------------------------------------------


def test_my_time_is_a_saved_filter_for_everyone_on_the_session_user(site, personas):
	with as_user(personas["user"]):
		saved = frappe.get_list(
			"List Filter",
			filters={"reference_doctype": "Time Entry", "filter_name": "My Time"},
			or_filters=[["for_user", "=", personas["user"]], ["for_user", "=", ""]],
			fields=["filters", "for_user"],
		)
	assert [(json.loads(s.filters), s.for_user or "") for s in saved] == [(TIME_FILTERS["My Time"], "")]
	assert TIME_FILTERS["My Time"] == [["Time Entry", "user", "=", SESSION_USER, False]]


@pytest.mark.parametrize("persona", ["manager", "user"])
def test_customer_staff_may_choose_a_currency(personas, persona):
	"""The report's currency filter (and a customer's currency) is a link to Currency, which Frappe
	lets only System and Accounts roles read unless the app grants it."""
	from frappe.client import validate_link

	with as_user(personas[persona]):
		assert validate_link("Currency", "GBP")["name"] == "GBP"
