"""Dormancy automation: quiet active customers go dormant and dormant customers with new activity
come back, through the workflow, recorded as automatic changes; a second run changes nothing;
customers with recent activity are left alone; a move the workflow refuses is reported, not forced."""

import frappe
import pytest
from frappe.utils import add_days, cint, getdate, now_datetime, nowdate

from customer_lifecycle.analytics.segment_rules import dormancy_target
from customer_lifecycle.lifecycle import dormancy
from customer_lifecycle.lifecycle.engine import get_settings
from customer_lifecycle.utils.doctypes import ENGAGEMENT, INVOICE, NOTE, PAYMENT
from tests.factories import customer_state as state
from tests.factories import edited_workflow, make_invoice, make_payment
from tests.factories import lifecycle_changes as changes


def backdate_state(customer: str, days: int) -> None:
	"""The customer entered its state `days` days ago (a direct write: this is the test's clock)."""
	frappe.db.set_value(
		"Customer", customer, "lifecycle_since", add_days(now_datetime(), -days), update_modified=False
	)


def backdate(doctype: str, name: str, days: int) -> None:
	when = add_days(now_datetime(), -days)
	frappe.db.set_value(doctype, name, {"creation": when, "modified": when}, update_modified=False)


def add_note(customer: str, content: str = "Called them") -> str:
	return (
		frappe.get_doc(
			{"doctype": "Customer Note", "customer": customer, "visibility": "Internal", "content": content}
		)
		.insert()
		.name
	)


@pytest.fixture
def quiet_customer(active_customer):
	"""Factory: an active customer, active for longer than the dormancy period, whose only activity
	(a note) is older than it."""
	days = cint(get_settings().dormant_after_days)
	assert days > 0

	def make():
		customer = active_customer()
		backdate("Customer Note", add_note(customer.name, "Last heard of long ago"), days + 10)
		backdate_state(customer.name, days + 20)
		return customer.name

	return make


def automatic_changes(customer):
	return [c for c in changes(customer) if c.automatic]


def test_a_quiet_customer_goes_dormant_and_comes_back_with_new_activity(quiet_customer):
	settings = get_settings()
	customer = quiet_customer()

	result = dormancy.run(commit=False)
	assert customer in result["moved"][settings.dormant_state]
	assert state(customer) == settings.dormant_state
	[change] = automatic_changes(customer)
	assert (change.from_state, change.to_state) == (settings.active_state, settings.dormant_state)
	assert change.reason == f"No activity for {settings.dormant_after_days} days"
	assert change.action  # the workflow's own action for the move

	# a second run changes nothing
	again = dormancy.run(commit=False)
	assert customer not in again["moved"].get(settings.active_state, [])
	assert state(customer) == settings.dormant_state and len(automatic_changes(customer)) == 1

	# new activity brings the customer back, once
	add_note(customer, "They called back")
	result = dormancy.run(commit=False)
	assert customer in result["moved"][settings.active_state]
	assert state(customer) == settings.active_state
	back = automatic_changes(customer)[-1]
	assert (back.from_state, back.to_state, back.reason) == (
		settings.dormant_state,
		settings.active_state,
		"New activity",
	)
	assert dormancy.run(commit=False)["moved"] == {}
	assert state(customer) == settings.active_state and len(automatic_changes(customer)) == 2


def test_a_run_after_a_run_moves_nobody_at_all(quiet_customer):
	quiet_customer()
	quiet_customer()
	first = dormancy.run(commit=False)
	assert sum(len(names) for names in first["moved"].values()) >= 2
	assert dormancy.run(commit=False)["moved"] == {}


def test_customers_with_recent_activity_are_left_alone(active_customer, quiet_customer):
	settings = get_settings()
	days = cint(settings.dormant_after_days)
	by_invoice, by_payment, by_note = active_customer(), active_customer(), active_customer()
	make_invoice(by_invoice.name, days_ago=days - 1)
	old = make_invoice(by_payment.name, days_ago=days + 30)
	make_payment(by_payment.name, 10, allocations=[(old.name, 10)], posting_date=add_days(nowdate(), -5))
	add_note(by_note.name)
	# a customer that became active recently, with no activity yet, is not quiet either
	fresh = active_customer()
	for customer in (by_invoice, by_payment, by_note, fresh):
		backdate_state(customer.name, days + 100)
	backdate_state(fresh.name, days - 1)
	quiet = quiet_customer()

	result = dormancy.run(commit=False)
	assert quiet in result["moved"][settings.dormant_state]
	for customer in (by_invoice, by_payment, by_note, fresh):
		assert state(customer.name) == settings.active_state
		assert not automatic_changes(customer.name)


def test_a_dormant_customer_without_new_activity_stays_dormant(quiet_customer):
	settings = get_settings()
	customer = quiet_customer()
	dormancy.run(commit=False)
	# activity from before it went dormant does not count as new
	backdate("Customer Note", add_note(customer, "Recorded long ago"), 200)
	assert customer not in dormancy.run(commit=False)["moved"].get(settings.active_state, [])
	assert state(customer) == settings.dormant_state


def test_a_move_the_workflow_refuses_is_reported_not_forced(quiet_customer, personas):
	settings = get_settings()
	customer = quiet_customer()
	with edited_workflow() as wf:
		wf.transitions = [
			t
			for t in wf.transitions
			if not (t.state == settings.active_state and t.next_state == settings.dormant_state)
		]
		wf.save()
		result = dormancy.run(commit=False)
		[(name, target, why)] = [r for r in result["refused"] if r[0] == customer]
		assert target == settings.dormant_state and "does not allow a move" in why and "<" not in why
		assert state(customer) == settings.active_state
		assert not automatic_changes(customer)
		logs = frappe.get_all(
			"Notification Log",
			filters={"for_user": personas["manager"], "subject": ("like", "%Dormancy automation%")},
			fields=["email_content"],
		)
		assert any(customer in (log.email_content or "") for log in logs)
		# nothing was half done: the customer is still a candidate for the next run
		assert (customer, settings.dormant_state) in dormancy.candidates(settings, frappe.utils.getdate())


def activity_sql() -> str:
	"""A derived table (customer, last_activity_on, last_recorded_at): each source is grouped by
	customer on its own (an index range read per table), then the four small aggregates are merged.
	Raw SQL because the query builder cannot group a UNION ALL of grouped selects."""
	return f"""
		select customer, max(on_date) as last_activity_on, max(recorded_at) as last_recorded_at
		from (
			select customer, max(posting_date) as on_date, max(creation) as recorded_at
				from `tab{INVOICE}` where docstatus = 1 group by customer
			union all
			select customer, max(posting_date), max(creation)
				from `tab{PAYMENT}` where docstatus = 1 group by customer
			union all
			select customer, date(max(creation)), max(creation)
				from `tab{ENGAGEMENT}` where docstatus < 2 group by customer
			union all
			select customer, date(max(creation)), max(creation)
				from `tab{NOTE}` group by customer
		) as sources
		group by customer"""


def customers_with_activity(states: list[str]) -> list[dict]:
	"""The test's oracle, written another way than the job's query: every customer in `states` with
	its lifecycle state, when it entered it and its last activity (None when it has had none), from
	aggregates grouped per kind of activity and merged."""
	return frappe.db.sql(
		f"""
		select c.name, c.lifecycle_status, c.lifecycle_since, c.creation,
			a.last_activity_on, a.last_recorded_at
		from `tabCustomer` c
		left join ({activity_sql()}) as a on a.customer = c.name
		where c.lifecycle_status in %(states)s""",
		{"states": tuple(states)},
		as_dict=True,
	)


def test_the_candidate_query_finds_whom_the_rule_would_move(quiet_customer, active_customer):
	"""The one query of index probes finds exactly the customers segment_rules.dormancy_target moves
	when given every active and dormant customer's last activity (customers_with_activity below):
	quiet ones, one quiet to the day, one that became active at an unknown time, dormant ones with and
	without activity since; customers with recent activity are not found."""
	settings = get_settings()
	days = cint(settings.dormant_after_days)
	back, still, unknown_dormant = quiet_customer(), quiet_customer(), quiet_customer()
	dormancy.run(commit=False)
	add_note(back, "They called back")
	frappe.db.set_value("Customer", unknown_dormant, "lifecycle_since", None, update_modified=False)
	quiet = quiet_customer()
	to_the_day = active_customer().name
	make_invoice(to_the_day, days_ago=days)
	backdate_state(to_the_day, days)
	a_day_short = active_customer().name
	make_invoice(a_day_short, days_ago=days - 1)
	backdate_state(a_day_short, days + 10)
	unknown_since = quiet_customer()
	frappe.db.set_value("Customer", unknown_since, "lifecycle_since", None, update_modified=False)

	today = getdate(nowdate())
	states = [settings.active_state, settings.dormant_state]
	expected = []
	for row in customers_with_activity(states=states):
		target = dormancy_target(
			row.lifecycle_status,
			row.last_activity_on,
			row.last_recorded_at,
			row.lifecycle_since,
			today,
			days,
			*states,
		)
		if target:
			expected.append((row.name, target))
	found = dormancy.candidates(settings, today)

	assert sorted(found) == sorted(expected)
	found = dict(found)
	assert found[quiet] == found[to_the_day] == found[unknown_since] == settings.dormant_state
	assert a_day_short not in found
	assert found[back] == found[unknown_dormant] == settings.active_state and still not in found
