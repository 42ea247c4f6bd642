"""Onboarding checklists: one per round, copied from the most specific template, ticked off, moving the
customer on through the workflow (or saying why not), overdue reminders, and the form's API."""

import uuid

import frappe
import pytest
from frappe.utils import add_days, getdate, nowdate

from customer_lifecycle.api.lifecycle import apply_action
from customer_lifecycle.api.onboarding import get_onboarding, set_item_done
from customer_lifecycle.install import ensure_onboarding_template
from customer_lifecycle.lifecycle.engine import get_settings
from customer_lifecycle.onboarding import checklists
from customer_lifecycle.onboarding.checklists import notify_overdue_items, start_round
from tests.factories import delete_customer, edited_workflow
from tests.helpers import as_user, customer_save_lock, run_in_threads

STANDARD = "Standard Onboarding"
REQUIRED = ("Verify identity", "Signed terms", "Billing details")


def rounds(customer):
	return frappe.get_all(
		"Onboarding Checklist",
		filters={"customer": customer},
		fields=[
			"name",
			"round",
			"template",
			"status",
			"progress",
			"ended_on",
			"completed_on",
			"auto_move_error",
		],
		order_by="`round` asc",
	)


def items_of(checklist):
	return {row.title: row for row in frappe.get_doc("Onboarding Checklist", checklist).items}


def state(customer):
	return frappe.db.get_value("Customer", customer, "lifecycle_status")


def make_template(name, items=("Only step",), **fields):
	return frappe.get_doc(
		{
			"doctype": "Onboarding Checklist Template",
			"template_name": f"{name} {uuid.uuid4().hex[:6]}",
			"items": [{"title": title, "required": 1, "due_in_days": 3} for title in items],
			**fields,
		}
	).insert()


@pytest.fixture
def onboarding(make_customer):
	"""A customer that has just started onboarding, and its checklist."""
	customer = make_customer()
	apply_action(customer.name, "Start Onboarding")
	[checklist] = rounds(customer.name)
	return customer, checklist.name


def tick(checklist, *titles, done=True, **kwargs):
	items = items_of(checklist)
	result = None
	for title in titles:
		result = set_item_done(checklist, items[title].name, done, **kwargs)
	return result


# --- rounds and templates --------------------------------------------------------------------


def test_entering_onboarding_copies_the_default_template(onboarding):
	_customer, checklist = onboarding
	doc = frappe.get_doc("Onboarding Checklist", checklist)
	template = frappe.get_doc("Onboarding Checklist Template", STANDARD)
	assert (doc.round, doc.template, doc.status, doc.progress) == (1, STANDARD, "In Progress", 0)
	assert [row.title for row in doc.items] == [row.title for row in template.items]
	for row, source in zip(doc.items, template.items, strict=True):
		assert (row.required, row.customer_provides, row.responsible_role) == (
			source.required,
			source.customer_provides,
			source.responsible_role,
		)
		assert getdate(row.due_date) == getdate(add_days(nowdate(), source.due_in_days))
		assert not row.done and not row.done_by


@pytest.mark.parametrize(
	("customer_type", "category", "expected"),
	[
		("Company", "VIP", "both"),
		("Individual", "VIP", "category"),
		("Company", "Retail", "type"),
		("Trust", "Retail", "default"),
	],
)
def test_the_most_specific_template_is_chosen(make_customer, customer_type, category, expected):
	made = {
		"both": make_template("VIP companies", customer_type="Company", customer_category="VIP").name,
		"category": make_template("VIP", customer_category="VIP").name,
		"type": make_template("Companies", customer_type="Company").name,
		"default": STANDARD,
	}
	customer = make_customer(customer_type=customer_type, customer_category=category)
	apply_action(customer.name, "Start Onboarding")
	[checklist] = rounds(customer.name)
	assert checklist.template == made[expected]


def test_a_disabled_template_is_passed_over(make_customer):
	make_template("Old VIP", customer_category="VIP", enabled=0)
	customer = make_customer(customer_category="VIP")
	apply_action(customer.name, "Start Onboarding")
	assert rounds(customer.name)[0].template == STANDARD


def test_no_template_means_no_checklist_and_the_form_says_so(make_customer):
	frappe.db.set_value("Onboarding Checklist Template", STANDARD, "enabled", 0)
	customer = make_customer()
	apply_action(customer.name, "Start Onboarding")
	assert rounds(customer.name) == []
	data = get_onboarding(customer.name)
	assert data["onboarding"] and data["current"] is None and data["rounds"] == []


def test_saving_again_never_makes_a_second_round(onboarding):
	customer, checklist = onboarding
	for note in ("first", "second"):
		doc = frappe.get_doc("Customer", customer.name)
		doc.notes = note
		doc.save()
	assert start_round(frappe.get_doc("Customer", customer.name)) == checklist
	assert [r.name for r in rounds(customer.name)] == [checklist]


def test_the_database_refuses_a_second_checklist_for_the_same_round(onboarding):
	customer, _checklist = onboarding
	with pytest.raises(frappe.UniqueValidationError):
		frappe.get_doc({"doctype": "Onboarding Checklist", "customer": customer.name, "round": 1}).insert()


def test_re_entering_onboarding_starts_a_new_round(onboarding):
	customer, first = onboarding
	apply_action(customer.name, "Activate")
	apply_action(customer.name, "Start Offboarding")
	apply_action(customer.name, "Complete Offboarding")
	apply_action(customer.name, "Re-engage")
	old, new = rounds(customer.name)
	assert (old.name, old.round, old.status) == (first, 1, "Closed")  # activated by hand, items left
	assert old.ended_on
	assert (new.round, new.status, new.ended_on) == (2, "In Progress", None)
	data = get_onboarding(customer.name)
	assert data["current"]["name"] == new.name
	assert [r["name"] for r in data["rounds"]] == [first]


def test_a_customer_created_straight_into_onboarding_by_the_app_gets_a_round(site):
	doc = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": "Imported Onboarder",
			"lifecycle_status": get_settings().onboarding_state,
		}
	)
	doc.flags.lifecycle_automation = frappe._dict(action=None, reason=None, automatic=1)
	doc.insert()
	assert [r.round for r in rounds(doc.name)] == [1]


# --- ticking and the automatic move ----------------------------------------------------------


def test_ticks_record_who_and_when_and_the_last_required_one_moves_the_customer(onboarding, personas):
	customer, checklist = onboarding
	target = get_settings().onboarding_complete_state
	with as_user(personas["user"]):
		result = tick(checklist, "Verify identity", "Signed terms")
		assert result["moved"] is False and result["lifecycle_status"] == get_settings().onboarding_state
		assert result["checklist"]["required_done"] == 2 and result["checklist"]["progress"] == 50
		result = tick(checklist, "Billing details")
	assert result["moved"] is True and result["lifecycle_status"] == target
	assert state(customer.name) == target
	items = items_of(checklist)
	assert items["Billing details"].done_by == personas["user"] and items["Billing details"].done_on
	assert not items["Welcome call"].done  # optional: not needed to finish
	[change] = frappe.get_all(
		"Customer Lifecycle Change",
		filters={"customer": customer.name, "to_state": target},
		fields=["from_state", "action", "automatic", "changed_by", "reason"],
	)
	assert (change.from_state, change.action, change.automatic) == ("Onboarding", "Activate", 1)
	assert change.changed_by == personas["user"] and change.reason == "Onboarding checklist complete"
	[round_] = rounds(customer.name)
	assert (round_.status, round_.progress) == ("Completed", 75)
	assert round_.completed_on and round_.ended_on and not round_.auto_move_error
	# the form now shows the finished round only
	data = get_onboarding(customer.name)
	assert data["current"] is None and data["rounds"][0]["status"] == "Completed"


def test_unticking_afterwards_does_not_move_the_customer_back(onboarding):
	customer, checklist = onboarding
	target = get_settings().onboarding_complete_state
	tick(checklist, *REQUIRED)
	result = tick(checklist, "Signed terms", done=False)
	assert result["moved"] is False and state(customer.name) == target
	item = items_of(checklist)["Signed terms"]
	assert not item.done and not item.done_by and not item.done_on
	[round_] = rounds(customer.name)
	assert (round_.status, round_.progress) == ("Completed", 50)
	tick(checklist, "Signed terms")
	assert state(customer.name) == target
	assert frappe.db.count("Customer Lifecycle Change", {"customer": customer.name, "automatic": 1}) == 1


def test_a_move_the_workflow_no_longer_allows_is_not_forced(onboarding, personas):
	customer, checklist = onboarding
	onboarding_state = get_settings().onboarding_state
	target = get_settings().onboarding_complete_state
	with edited_workflow() as wf:
		wf.transitions = [
			t for t in wf.transitions if not (t.state == onboarding_state and t.next_state == target)
		]
		wf.save()
		with as_user(personas["user"]):
			result = tick(checklist, *REQUIRED)
		assert result["moved"] is False and state(customer.name) == onboarding_state
		[round_] = rounds(customer.name)
		assert round_.status == "Completed" and not round_.ended_on
		assert "does not allow a move from Onboarding to Active" in round_.auto_move_error
		assert "<" not in round_.auto_move_error  # plain text, shown as is
		data = get_onboarding(customer.name)
		assert data["current"]["auto_move_error"] == round_.auto_move_error
		assert not frappe.db.exists(
			"Customer Lifecycle Change", {"customer": customer.name, "to_state": target}
		)
		[log] = frappe.get_all(
			"Notification Log",
			filters={
				"for_user": personas["manager"],
				"document_type": "Customer",
				"document_name": customer.name,
			},
			fields=["subject", "type"],
		)
		assert "could not be moved to" in log.subject and "does not allow a move" in log.subject
		assert not frappe.db.exists(
			"Notification Log", {"for_user": personas["user"], "document_name": customer.name}
		)
		# unticking clears the refusal; the customer can still be moved on by hand
		tick(checklist, "Signed terms", done=False)
		assert (
			rounds(customer.name)[0].status == "In Progress" and not rounds(customer.name)[0].auto_move_error
		)


def test_a_finished_round_moves_nobody(onboarding):
	customer, checklist = onboarding
	apply_action(customer.name, "Activate")
	apply_action(customer.name, "Mark Dormant")
	result = tick(checklist, *REQUIRED)
	assert result["moved"] is False and state(customer.name) == "Dormant"
	assert rounds(customer.name)[0].status == "Closed"


# --- the API ---------------------------------------------------------------------------------


def test_answers_are_kept_for_items_the_customer_provides(onboarding):
	_customer, checklist = onboarding
	tick(checklist, "Verify identity", answer="  Passport 123  ")
	assert items_of(checklist)["Verify identity"].answer == "Passport 123"
	with pytest.raises(frappe.ValidationError) as error:
		tick(checklist, "Billing details", answer="paid")
	assert "Answer" in str(error.value) and "Billing details" in str(error.value)
	assert not items_of(checklist)["Billing details"].done


def test_an_item_of_another_checklist_is_refused(onboarding, make_customer):
	_customer, checklist = onboarding
	other = make_customer()
	apply_action(other.name, "Start Onboarding")
	foreign = next(iter(items_of(rounds(other.name)[0].name).values())).name
	with pytest.raises(frappe.DoesNotExistError) as error:
		set_item_done(checklist, foreign, True)
	assert "Item" in str(error.value)
	assert not frappe.db.get_value("Onboarding Checklist Item", foreign, "done")


def test_people_without_a_customer_role_can_neither_read_nor_tick(onboarding, personas):
	customer, checklist = onboarding
	item = items_of(checklist)["Billing details"].name
	with as_user(personas["outsider"]):
		with pytest.raises(frappe.PermissionError):
			get_onboarding(customer.name)
		with pytest.raises(frappe.PermissionError):
			set_item_done(checklist, item, True)
	assert not frappe.db.get_value("Onboarding Checklist Item", item, "done")
	with as_user(personas["user"]):
		assert get_onboarding(customer.name)["can_tick"] is True


def test_a_save_changes_ticks_and_due_dates_but_not_what_the_app_set(onboarding, personas):
	customer, checklist = onboarding
	apply_action(customer.name, "Activate")  # by hand: the round ends, Closed
	with as_user(personas["user"]):
		doc = frappe.get_doc("Onboarding Checklist", checklist)
		for row in doc.items:
			row.required = 0
			row.title = "Nothing to do"
		doc.items[3].done = 1
		doc.items[3].due_date = add_days(nowdate(), 30)
		doc.ended_on, doc.status, doc.round = None, "In Progress", 7
		doc.save()
	doc.reload()
	assert [row.title for row in doc.items] == [
		"Verify identity",
		"Signed terms",
		"Billing details",
		"Welcome call",
	]
	assert [row.required for row in doc.items] == [1, 1, 1, 0]
	assert doc.items[3].done and doc.items[3].done_by == personas["user"]
	assert getdate(doc.items[3].due_date) == getdate(add_days(nowdate(), 30))
	assert (doc.round, doc.status, doc.progress) == (1, "Closed", 25) and doc.ended_on
	doc.append("items", {"title": "Extra", "required": 1})
	with pytest.raises(frappe.ValidationError) as error:
		doc.save()
	assert "Items" in str(error.value) and "cannot be added or removed" in str(error.value)


def test_the_form_data_marks_overdue_items(onboarding):
	customer, checklist = onboarding
	item = items_of(checklist)["Signed terms"]
	frappe.db.set_value("Onboarding Checklist Item", item.name, "due_date", add_days(nowdate(), -1))
	current = get_onboarding(customer.name)["current"]
	overdue = {row["title"]: row["overdue"] for row in current["items"]}
	assert overdue == {
		"Verify identity": False,
		"Signed terms": True,
		"Billing details": False,
		"Welcome call": False,
	}
	assert (current["required_done"], current["required_total"]) == (0, 3)


# --- overdue reminders -----------------------------------------------------------------------


def reminders(user):
	return frappe.get_all(
		"Notification Log",
		filters={"for_user": user, "subject": ("like", "%overdue onboarding items%")},
		fields=["subject", "document_name", "link"],
		order_by="creation desc",
	)


def test_the_daily_job_reminds_the_responsible_people_once_a_day(onboarding, personas, make_customer):
	customer, checklist = onboarding
	items = items_of(checklist)
	yesterday = add_days(nowdate(), -1)
	for title in ("Verify identity", "Signed terms", "Welcome call"):
		frappe.db.set_value("Onboarding Checklist Item", items[title].name, "due_date", yesterday)
	frappe.db.set_value(
		"Onboarding Checklist Item", items["Signed terms"].name, "responsible_user", personas["manager"]
	)
	tick(checklist, "Verify identity")  # done: no longer overdue
	# a finished round is not chased
	finished = make_customer()
	apply_action(finished.name, "Start Onboarding")
	apply_action(finished.name, "Activate")
	frappe.db.set_value(
		"Onboarding Checklist Item", {"parent": rounds(finished.name)[0].name}, "due_date", yesterday
	)
	before = {key: len(reminders(personas[key])) for key in ("manager", "user")}

	notify_overdue_items()

	# Signed terms: its responsible user; Welcome call: the users with its role (Customer Manager)
	latest = reminders(personas["manager"])
	assert len(latest) == before["manager"] + 1  # one notification a day, whatever the number of items
	assert f"{customer.customer_name}</strong> (Signed terms, Welcome call)" in latest[0].subject
	assert finished.customer_name not in latest[0].subject
	# the user's item (Verify identity) is done
	assert not any(customer.customer_name in log.subject for log in reminders(personas["user"]))
	assert (
		frappe.db.get_value("Onboarding Checklist Item", items["Welcome call"].name, "reminded_on")
		== getdate()
	)
	notify_overdue_items()  # the same day again: nothing new
	assert len(reminders(personas["manager"])) == before["manager"] + 1


def test_one_notification_lists_every_customer_of_a_person(make_customer, personas):
	customers = [make_customer() for _ in range(2)]
	for customer in customers:
		apply_action(customer.name, "Start Onboarding")
		frappe.db.set_value(
			"Onboarding Checklist Item",
			{"parent": rounds(customer.name)[0].name, "title": "Welcome call"},
			{"due_date": add_days(nowdate(), -3), "responsible_user": personas["user"]},
		)
	notify_overdue_items()
	[log] = [log for log in reminders(personas["user"]) if customers[0].customer_name in log.subject]
	assert customers[1].customer_name in log.subject
	assert log.document_name is None and log.link == "/app/onboarding-checklist?status=In%20Progress"


# --- concurrency -----------------------------------------------------------------------------


def delete_rounds(customer):
	names = [r.name for r in rounds(customer)]
	frappe.db.delete("Onboarding Checklist Item", {"parent": ("in", names)})
	frappe.db.delete("Onboarding Checklist", {"name": ("in", names)})


@pytest.fixture
def committed_customer(site, make_customer):
	customer = make_customer()
	frappe.db.commit()
	yield customer
	frappe.db.rollback()
	delete_customer(customer.name)


def test_concurrent_saves_make_exactly_one_round(site, committed_customer):
	"""Two sessions start the same customer's onboarding at the same moment, both having read it as a
	prospect: the first save takes the customer's row, the second waits for it and is refused as out
	of date; one checklist."""
	name = committed_customer.name
	race = run_in_threads(
		site,
		lambda i: apply_action(name, "Start Onboarding", reason=f"session {i}"),
		meet_in=customer_save_lock(),
	)
	assert race.overlapped() and race.took_turns(), race
	assert sorted(race.outcomes) == ["TimestampMismatchError", "ok"], race
	frappe.db.rollback()  # see what the threads committed
	assert [r.round for r in rounds(name)] == [1]


def test_concurrent_round_starts_share_one_checklist(site, committed_customer):
	"""The lock and the open-round check, without the customer's save in between: two callers inside
	start_round at once, the second waits for the first's round and is given it."""
	name = committed_customer.name
	apply_action(name, "Start Onboarding")
	delete_rounds(name)
	frappe.db.commit()
	made = []
	race = run_in_threads(
		site,
		lambda i: made.append(checklists.start_round(frappe.get_doc("Customer", name))),
		meet_in=(checklists, "start_round"),
	)
	assert race.overlapped() and race.took_turns(), race
	assert race.outcomes == ["ok", "ok"], race
	frappe.db.rollback()
	[round_] = rounds(name)
	assert made == [round_.name, round_.name] and round_.round == 1


# --- merge, templates, seed ------------------------------------------------------------------


def test_a_merged_customer_brings_its_rounds_after_the_survivors(make_customer, personas):
	from customer_lifecycle.api.merge import merge_customers

	survivor, duplicate = make_customer(), make_customer()
	for customer in (survivor, duplicate):
		apply_action(customer.name, "Start Onboarding")
	merge_customers(duplicate.name, survivor.name)
	own, brought = rounds(survivor.name)
	assert (own.round, own.ended_on) == (1, None)
	assert brought.round == 2 and brought.ended_on and brought.status == "Closed"
	assert get_onboarding(survivor.name)["current"]["name"] == own.name


def test_template_rules_name_the_fields(site):
	with pytest.raises(frappe.ValidationError) as error:
		make_template("Default for companies", is_default=1, customer_type="Company")
	assert "Default Template" in str(error.value) and "Customer Type" in str(error.value)
	with pytest.raises(frappe.MandatoryError) as error:
		make_template("For nobody")
	assert "Customer Category" in str(error.value)
	make_template("Trusts", customer_type="Trust")
	with pytest.raises(frappe.DuplicateEntryError) as error:
		make_template("Trusts again", customer_type="Trust")
	assert "already for these customers" in str(error.value)


def test_one_default_template(site):
	new = make_template("New default", is_default=1)
	assert frappe.get_all("Onboarding Checklist Template", filters={"is_default": 1}, pluck="name") == [
		new.name
	]


def delete_all_templates():
	frappe.db.delete("Onboarding Checklist Template Item")
	frappe.db.delete("Onboarding Checklist Template")


def test_the_seed_never_overwrites_an_admins_templates(site):
	template = frappe.get_doc("Onboarding Checklist Template", STANDARD)
	template.items[0].title = "Check the passport"
	template.save()
	ensure_onboarding_template()
	assert frappe.get_doc("Onboarding Checklist Template", STANDARD).items[0].title == "Check the passport"
	delete_all_templates()
	make_template("Admin's own", customer_type="Company")
	ensure_onboarding_template()
	assert not frappe.db.exists("Onboarding Checklist Template", STANDARD)
	delete_all_templates()
	ensure_onboarding_template()
	seeded = frappe.get_doc("Onboarding Checklist Template", STANDARD)
	assert seeded.is_default and [(i.title, i.required, i.customer_provides) for i in seeded.items] == [
		("Verify identity", 1, 1),
		("Signed terms", 1, 1),
		("Billing details", 1, 0),
		("Welcome call", 0, 0),
	]
