"""Service plans: a customer subscribes to a plan at one of its site addresses; the daily job makes the
visits as Frappe Events (in the calendar of the staff user who makes them, with the site and its
access contact, the customer as participant) and an invoice per billing period, through the invoice
controller's steps; it makes nothing twice; a customer outside the billable states stops getting
either, and the subscription says why."""

from datetime import date, time, timedelta

import frappe
import pytest
from frappe.utils import add_days, getdate, nowdate

from customer_lifecycle.api.lifecycle import apply_action
from customer_lifecycle.billing import batch
from customer_lifecycle.billing.gate import NotBillableError
from customer_lifecycle.service import job, rules
from tests.factories import (
	customer_state,
	make_service_plan,
	make_site_address,
	make_subscription,
	visits_of,
)
from tests.helpers import PERSONAS

MANAGER = PERSONAS["manager"][0]
YEAR = 2031


def every_day(first: date, last: date):
	day = first
	while day <= last:
		yield day
		day += timedelta(days=1)


def plan_invoices(subscription: str) -> list[frappe._dict]:
	return frappe.get_all(
		"Customer Invoice",
		filters={"service_subscription": subscription},
		fields=[
			"name",
			"docstatus",
			"status",
			"posting_date",
			"due_date",
			"total",
			"outstanding_amount",
			"currency",
			"customer_name",
			"service_period_start",
			"service_period_end",
		],
		order_by="service_period_start asc",
	)


# --- subscribing -------------------------------------------------------------------------------


def test_the_site_address_must_be_one_of_the_customers_site_addresses(active_customer):
	customer, other = active_customer(), active_customer()
	plan = make_service_plan().name
	theirs = make_site_address(other.name).name
	with pytest.raises(frappe.LinkValidationError, match="is not an address of"):
		make_subscription(customer.name, plan, theirs)
	not_a_site = make_site_address(customer.name, site=False).name
	with pytest.raises(frappe.ValidationError, match="is not marked as a site address"):
		make_subscription(customer.name, plan, not_a_site)
	site = make_site_address(customer.name).name
	subscription = make_subscription(customer.name, plan, site)
	assert subscription.status == rules.ACTIVE and subscription.next_visit_date == getdate(nowdate())
	# changing to another customer's address later is refused the same way
	subscription.site_address = theirs
	with pytest.raises(frappe.LinkValidationError):
		subscription.save()


def test_a_plan_fits_its_visits_in_a_period_and_is_priced_in_the_firms_currency():
	with pytest.raises(frappe.ValidationError, match="at most 7 visits"):
		make_service_plan("Weekly", visits=8)
	plan = make_service_plan("Weekly", visits=7)
	from customer_lifecycle.billing.currency import default_currency

	assert plan.currency == default_currency()


def test_a_new_subscription_gets_its_first_visits_at_once_in_the_staff_users_calendar(active_customer):
	customer = active_customer()
	address = make_site_address(customer.name)
	subscription = make_subscription(customer.name, make_service_plan("Weekly").name, address.name)
	visits = visits_of(subscription.name)
	# today, a week and two weeks later: the plan's 14 days ahead
	assert [v.service_visit_date for v in visits] == [getdate(add_days(nowdate(), d)) for d in (0, 7, 14)]
	event = frappe.get_doc("Event", visits[0].name)
	assert event.event_type == "Private" and event.owner == MANAGER and event.status == "Open"
	# at the plan's time (09:00 unless it says otherwise), for its length (60 minutes)
	assert (event.starts_on.time(), event.ends_on - event.starts_on) == (time(9), timedelta(minutes=60))
	assert [(p.reference_doctype, p.reference_docname) for p in event.event_participants] == [
		("Customer", customer.name)
	]
	for text in (
		address.address_line1,
		address.access_contact_name,
		address.access_contact_phone,
		"Key safe",
	):
		assert text in event.description
	assert address.address_line1 in event.location
	assert frappe.parse_json(event._assign) == [MANAGER]
	assert frappe.db.exists(
		"ToDo",
		{"reference_type": "Event", "reference_name": event.name, "allocated_to": MANAGER, "status": "Open"},
	)
	# Frappe's calendar shows it to them
	from frappe.desk.doctype.event.event import get_events

	shown = get_events(getdate(nowdate()), getdate(add_days(nowdate(), 1)), user=MANAGER)
	assert event.name in [e.name for e in shown]
	# and the customer's Service tab lists it, to whoever may read the customer
	from customer_lifecycle.service import ledgers

	upcoming = ledgers.page(customer.name, "upcoming_events")
	assert [r.name for r in upcoming["rows"]] == [v.name for v in visits] and upcoming["total"] == 3
	assert ledgers.page(customer.name, "subscriptions")["rows"][0].name == subscription.name


# --- a year of the daily job --------------------------------------------------------------------


def test_a_year_of_daily_runs_makes_every_visit_once(active_customer):
	"""Run the job for each day of a year: each visit of the series exactly once, up to the plan's
	days ahead of the last day, and the next visit date always the next one."""
	customer = active_customer()
	plan = make_service_plan("Monthly", visits=3, days_ahead=10)
	start = date(YEAR, 1, 6)
	subscription = make_subscription(customer.name, plan.name, start_date=start).name
	assert not visits_of(subscription)
	for today in every_day(date(YEAR, 1, 1), date(YEAR, 12, 31)):
		job.run(today, names=[subscription], invoices=False)
		next_visit = frappe.db.get_value("Service Subscription", subscription, "next_visit_date")
		assert next_visit == rules.next_visit(start, "Monthly", 3, max(today, start)), today
	made = [v.service_visit_date for v in visits_of(subscription)]
	expected = rules.visit_dates(start, "Monthly", 3, start, date(YEAR + 1, 1, 10))
	assert made == expected and len(made) == len(set(made)) == 36 + 1
	assert (
		frappe.db.count(
			"ToDo",
			{"reference_type": "Event", "reference_name": ("in", [v.name for v in visits_of(subscription)])},
		)
		== 37
	)


def test_an_invoice_for_each_billing_period_through_the_invoice_controllers_steps(active_customer):
	customer = active_customer(payment_terms="Days after invoice", payment_terms_days=14)
	plan = make_service_plan("Quarterly", visits=1, price=300)
	subscription = make_subscription(customer.name, plan.name, start_date=date(YEAR, 1, 15)).name
	before = frappe.db.get_value(
		"Customer", customer.name, ["total_invoiced", "balance", "invoice_count"], as_dict=True
	)
	for today in every_day(date(YEAR, 1, 1), date(YEAR, 12, 31)):
		job.run(today, names=[subscription])
	invoices = plan_invoices(subscription)
	assert [(i.service_period_start, i.service_period_end) for i in invoices] == [
		(date(YEAR, 1, 15), date(YEAR, 4, 14)),
		(date(YEAR, 4, 15), date(YEAR, 7, 14)),
		(date(YEAR, 7, 15), date(YEAR, 10, 14)),
		(date(YEAR, 10, 15), date(YEAR + 1, 1, 14)),
	]
	for invoice in invoices:
		assert invoice.docstatus == 1 and invoice.status == "Unpaid" and invoice.total == 300
		assert invoice.posting_date == invoice.service_period_start
		assert invoice.due_date == invoice.posting_date + timedelta(days=14)  # the customer's terms
		assert invoice.currency == frappe.db.get_value("Customer", customer.name, "currency")
		assert invoice.customer_name == customer.customer_name
	doc = frappe.get_doc("Customer Invoice", invoices[0].name)
	assert [(row.qty, row.rate, row.amount, row.item_code) for row in doc.items] == [(1, 300, 300, plan.name)]
	# the customer's figures moved as four submits would move them
	after = frappe.db.get_value(
		"Customer",
		customer.name,
		["total_invoiced", "balance", "invoice_count", "last_invoice_date"],
		as_dict=True,
	)
	assert after.total_invoiced - before.total_invoiced == 1200 and after.balance - before.balance == 1200
	assert after.invoice_count - before.invoice_count == 4 and after.last_invoice_date == date(YEAR, 10, 15)
	from customer_lifecycle.billing.figures import recompute

	assert recompute([customer.name])[customer.name].total_invoiced == after.total_invoiced
	# a payment pays them as it pays any invoice
	from tests.factories import make_payment

	make_payment(customer.name, 300)
	assert frappe.db.get_value("Customer Invoice", invoices[0].name, "status") == "Paid"


def test_a_bulk_invoice_is_refused_as_the_controller_refuses_it(make_customer):
	prospect = make_customer()
	draft = {
		"customer": prospect.name,
		"posting_date": nowdate(),
		"items": [{"description": "x", "qty": 1, "rate": 5}],
	}
	with pytest.raises(NotBillableError):
		batch.submit([draft])
	assert not frappe.db.exists("Customer Invoice", {"customer": prospect.name})


def test_a_plan_without_a_price_is_not_invoiced(active_customer):
	customer = active_customer()
	subscription = make_subscription(
		customer.name, make_service_plan(price=0).name, start_date=date(YEAR, 2, 1)
	)
	for today in every_day(date(YEAR, 2, 1), date(YEAR, 4, 1)):
		job.run(today, names=[subscription.name])
	assert not plan_invoices(subscription.name)
	# the periods still move on: the next begins after the last day run
	assert frappe.db.get_value("Service Subscription", subscription.name, "next_invoice_date") == date(
		YEAR, 5, 1
	)


# --- idempotency --------------------------------------------------------------------------------


def test_running_the_job_twice_makes_nothing_twice(active_customer):
	customer = active_customer()
	subscription = make_subscription(
		customer.name, make_service_plan("Weekly", visits=2, price=50).name, start_date=date(YEAR, 3, 2)
	).name
	# as the scheduler runs it: every live subscription of the site (others' too, committed by other
	# tests), so what is checked is this subscription's
	first = job.run(date(YEAR, 3, 2))
	assert len(visits_of(subscription)) == 5 and len(plan_invoices(subscription)) == 1  # 2 a week, 14 days
	assert {v.name for v in visits_of(subscription)} <= set(first.visits)
	again = job.run(date(YEAR, 3, 2))
	assert not again.visits and not again.invoices and not again.written
	assert len(visits_of(subscription)) == 5 and len(plan_invoices(subscription)) == 1
	# even when its dates are set back: what was made is keyed on the subscription and the date
	frappe.db.set_value(
		"Service Subscription",
		subscription,
		{"visits_made_until": None, "next_invoice_date": date(YEAR, 3, 2)},
		update_modified=False,
	)
	third = job.run(date(YEAR, 3, 2), names=[subscription])
	assert not third.visits and not third.invoices
	assert len(visits_of(subscription)) == 5 and len(plan_invoices(subscription)) == 1


def test_moving_the_next_visit_moves_the_visits_after_it(active_customer):
	customer = active_customer()
	subscription = make_subscription(customer.name, make_service_plan("Weekly").name)
	today = getdate(nowdate())
	week = [today + timedelta(days=d) for d in (0, 7, 14)]
	assert [v.service_visit_date for v in visits_of(subscription.name)] == week
	subscription.reload()
	subscription.next_visit_date = today + timedelta(days=3)
	subscription.save()
	open_visits = visits_of(subscription.name, status="Open")
	assert [v.service_visit_date for v in open_visits] == [today + timedelta(days=d) for d in (3, 10)]
	assert len(visits_of(subscription.name, status="Cancelled")) == 3
	assert subscription.next_visit_date == today + timedelta(days=3)
	assert not job.run(today, names=[subscription.name]).visits


# --- leaving the billable states ----------------------------------------------------------------


def test_a_customer_who_leaves_the_billable_states_gets_no_visits_or_invoices_and_the_subscription_says_why(
	active_customer,
):
	customer = active_customer()
	subscription = make_subscription(
		customer.name, make_service_plan("Weekly", price=40).name, start_date=date(YEAR, 5, 3)
	).name
	job.run(date(YEAR, 5, 3), names=[subscription])
	assert len(plan_invoices(subscription)) == 1 and len(visits_of(subscription, "Open")) == 3

	apply_action(customer.name, "Mark Dormant")
	held = job.run(date(YEAR, 5, 4), names=[subscription])
	assert held.held == [subscription]
	row = frappe.db.get_value("Service Subscription", subscription, ["status", "status_reason"], as_dict=True)
	assert row.status == rules.ON_HOLD and "Dormant" in row.status_reason and "Active" in row.status_reason
	# its visits from that day on are cancelled (their assignments too); nothing new while it lasts
	assert [v.service_visit_date for v in visits_of(subscription, "Open")] == [date(YEAR, 5, 3)]
	cancelled = visits_of(subscription, "Cancelled")
	assert len(cancelled) == 2 and all(v.service_visit_date is None for v in cancelled)
	assert not frappe.db.exists(
		"ToDo",
		{"reference_type": "Event", "reference_name": ("in", [v.name for v in cancelled]), "status": "Open"},
	)
	for today in every_day(date(YEAR, 5, 5), date(YEAR, 5, 20)):
		assert not job.run(today, names=[subscription]).visits
	assert len(plan_invoices(subscription)) == 1

	# back to active: visits from that day on, and the periods begun meanwhile are not invoiced
	apply_action(customer.name, "Reactivate")
	resumed = job.run(date(YEAR, 5, 21), names=[subscription])
	assert resumed.resumed == [subscription]
	assert frappe.db.get_value("Service Subscription", subscription, ["status", "status_reason"]) == (
		rules.ACTIVE,
		"",
	)
	assert [v.service_visit_date for v in visits_of(subscription, "Open")][1:] == [
		date(YEAR, 5, 24),
		date(YEAR, 5, 31),
	]
	assert [i.service_period_start for i in plan_invoices(subscription)] == [date(YEAR, 5, 3)]
	job.run(date(YEAR, 5, 24), names=[subscription])
	assert [i.service_period_start for i in plan_invoices(subscription)] == [
		date(YEAR, 5, 3),
		date(YEAR, 5, 24),
	]


def test_a_subscription_made_for_a_customer_who_may_not_be_billed_is_on_hold(make_customer):
	prospect = make_customer()
	assert customer_state(prospect.name) == "Prospect"
	subscription = make_subscription(prospect.name)
	assert subscription.status == rules.ON_HOLD and "Prospect" in subscription.status_reason
	assert not visits_of(subscription.name)


def test_a_subscription_ends_after_its_end_date(active_customer):
	customer = active_customer()
	subscription = make_subscription(
		customer.name,
		make_service_plan("Weekly").name,
		start_date=date(YEAR, 6, 1),
		end_date=date(YEAR, 6, 10),
	).name
	job.run(date(YEAR, 6, 1), names=[subscription])
	assert [v.service_visit_date for v in visits_of(subscription)] == [date(YEAR, 6, 1), date(YEAR, 6, 8)]
	assert job.run(date(YEAR, 6, 11), names=[subscription]).ended == [subscription]
	row = frappe.db.get_value("Service Subscription", subscription, ["status", "status_reason"], as_dict=True)
	assert row.status == rules.ENDED and "Ended on" in row.status_reason
	assert not job.run(date(YEAR, 6, 20), names=[subscription]).written


# --- Frappe's calendar over HTTP ------------------------------------------------------------------


def test_staff_read_their_own_calendar_not_anothers(http, base_url, active_customer):
	"""Frappe's calendar method names the user whose events it reads; the app's stand-in reads the
	session user's only, so a visit (private to the staff user who makes it) stays theirs."""
	customer = active_customer()
	subscription = make_subscription(customer.name, make_service_plan("Weekly").name)
	visit = visits_of(subscription.name)[0].name
	frappe.db.commit()
	try:
		method = f"{base_url}/api/method/frappe.desk.doctype.event.event.get_events"
		week = {"start": nowdate(), "end": add_days(nowdate(), 7)}
		mine = http("manager").get(method, params=week, timeout=30)
		assert mine.status_code == 200 and visit in [e["name"] for e in mine.json()["message"]]
		theirs = http("user").get(method, params={**week, "user": MANAGER}, timeout=30)
		assert theirs.status_code == 403 and visit not in theirs.text
		own = http("user").get(method, params=week, timeout=30)
		assert own.status_code == 200 and visit not in own.text
	finally:
		remove_subscription(subscription.name)


def remove_subscription(name: str) -> None:
	"""Take away a committed subscription, its visits, their assignments, and the customer's invoices."""
	frappe.db.rollback()
	events = frappe.get_all("Event", filters={"reference_docname": name}, pluck="name")
	frappe.db.delete("ToDo", {"reference_type": "Event", "reference_name": ("in", events or [""])})
	frappe.db.delete("Event Participants", {"parent": ("in", events or [""])})
	frappe.db.delete("Event", {"name": ("in", events or [""])})
	customer, address, plan = frappe.db.get_value(
		"Service Subscription", name, ["customer", "site_address", "plan"]
	)
	frappe.db.delete("Service Subscription", name)
	frappe.db.delete("Service Plan", plan)
	frappe.delete_doc("Address", address, force=True)
	frappe.delete_doc("Customer", customer, force=True)
	frappe.db.commit()


# --- data rights ----------------------------------------------------------------------------------


def test_anonymizing_a_customer_removes_what_its_visits_say(active_customer):
	from customer_lifecycle.privacy.anonymize import anonymize

	customer = active_customer()
	address = make_site_address(customer.name)
	subscription = make_subscription(customer.name, make_service_plan("Weekly").name, address.name)
	visits = visits_of(subscription.name)
	for action in ("Start Offboarding", "Complete Offboarding"):
		apply_action(customer.name, action)
	anonymize(customer.name, customer.customer_name)
	for visit in visits_of(subscription.name):
		assert visit.description is None and visit.location is None
		assert frappe.db.get_value("Event", visit.name, "subject") == "[removed]"
	todos = frappe.get_all(
		"ToDo",
		filters={"reference_type": "Event", "reference_name": ("in", [v.name for v in visits])},
		pluck="description",
	)
	assert todos and set(todos) == {"[removed]"}
	assert customer.customer_name not in str(
		frappe.get_all("Event", filters={"name": ("in", [v.name for v in visits])}, fields=["*"])
	)
