"""Bulk actions from the customer list: each customer's own outcome, with the reason when it failed."""

import frappe
import pytest

from customer_lifecycle.api.bulk import get_results, run
from customer_lifecycle.api.lifecycle import apply_action
from customer_lifecycle.customers.bulk_actions import BULK_INLINE, BULK_LIMIT, run_job
from tests.helpers import as_user


def outcome(state):
	"""{customer: (result, message)} of a finished run."""
	assert state["finished"] == 1
	return {r["customer"]: (r["result"], r["message"]) for r in state["results"]}


def test_tag_reports_each_customer(make_customer):
	first, second = make_customer(), make_customer()
	run("tag", [first.name], {"tag": "VIP Lead"})
	state = run("tag", [first.name, second.name], {"tag": "VIP Lead"})
	assert outcome(state) == {
		first.name: ("done", "Already tagged VIP Lead"),
		second.name: ("done", "Tagged VIP Lead"),
	}
	assert (state["done"], state["failed"]) == (2, 0)
	for name in (first.name, second.name):
		assert frappe.db.get_value("Customer", name, "_user_tags") == ",VIP Lead"
		assert frappe.db.exists(
			"Tag Link", {"document_type": "Customer", "document_name": name, "tag": "VIP Lead"}
		)


@pytest.mark.parametrize("persona", ["manager", "user"])
def test_customer_roles_may_tag(make_customer, personas, persona):
	from frappe.desk.doctype.tag.tag import add_tag

	customer = make_customer()
	with as_user(personas[persona]):
		assert outcome(run("tag", [customer.name], {"tag": f"by-{persona}"}))[customer.name][0] == "done"
		add_tag("desk-tag", "Customer", customer.name)  # the form's own tag button
	assert frappe.db.get_value("Customer", customer.name, "_user_tags") == f",by-{persona},desk-tag"


def test_a_user_without_a_customer_role_is_refused_outright(make_customer, personas):
	customer = make_customer()
	with as_user(personas["outsider"]), pytest.raises(frappe.PermissionError):
		run("tag", [customer.name], {"tag": "x"})
	assert not frappe.db.get_value("Customer", customer.name, "_user_tags")


def test_bad_input_is_refused_before_any_customer_is_touched(make_customer):
	customer = make_customer()
	with pytest.raises(frappe.ValidationError, match="Tag"):
		run("tag", [customer.name], {"tag": "  "})
	with pytest.raises(frappe.ValidationError, match="comma"):
		run("tag", [customer.name], {"tag": "a,b"})
	with pytest.raises(frappe.ValidationError, match="Assign To"):
		run("assign", [customer.name], {"assign_to": "nobody@example.invalid"})
	with pytest.raises(frappe.ValidationError, match="Due Date"):
		run("assign", [customer.name], {"assign_to": "Administrator", "date": "next tuesday-ish"})
	with pytest.raises(frappe.ValidationError, match="Lifecycle Action"):
		run("lifecycle", [customer.name], {"action": "Teleport"})
	with pytest.raises(frappe.ValidationError, match="not known"):
		run("rename", [customer.name])
	with pytest.raises(frappe.ValidationError, match="at least one"):
		run("archive", [])
	with pytest.raises(frappe.ValidationError, match=str(BULK_LIMIT)):
		run("archive", [f"CUST-X-{i}" for i in range(BULK_LIMIT + 1)])
	assert frappe.db.get_value("Customer", customer.name, ["_user_tags", "archived"]) == (None, 0)


def test_assign_with_note_and_date(make_customer, personas):
	first, second = make_customer(), make_customer()
	manager = personas["manager"]
	run("assign", [first.name], {"assign_to": manager})
	frappe.clear_messages()
	state = run(
		"assign", [first.name, second.name], {"assign_to": manager, "note": "Call back", "date": "2030-01-31"}
	)
	assert outcome(state) == {
		first.name: ("done", f"Already assigned to {manager}"),
		second.name: ("done", f"Assigned to {manager}"),
	}
	todo = frappe.get_all(
		"ToDo",
		filters={"reference_type": "Customer", "reference_name": second.name, "allocated_to": manager},
		fields=["description", "date", "status"],
	)
	assert [(t.description, str(t.date), t.status) for t in todo] == [("Call back", "2030-01-31", "Open")]
	# the pop-ups Frappe's assignment code prints are not left for the desk to show
	assert not frappe.local.message_log


def test_lifecycle_action_moves_some_and_says_why_not_others(make_customer):
	prospect, onboarding = make_customer(), make_customer()
	apply_action(onboarding.name, "Start Onboarding")
	state = run(
		"lifecycle", [prospect.name, onboarding.name], {"action": "Start Onboarding", "reason": "Signed"}
	)
	assert outcome(state) == {
		prospect.name: ("done", "Moved to Onboarding"),
		onboarding.name: ("failed", "Start Onboarding cannot be applied to a customer in Onboarding."),
	}
	change = frappe.get_all(
		"Customer Lifecycle Change",
		filters={"customer": prospect.name},
		fields=["to_state", "reason", "action"],
	)
	assert [(c.to_state, c.reason, c.action) for c in change] == [
		("Onboarding", "Signed", "Start Onboarding")
	]
	assert frappe.db.count("Customer Lifecycle Change", {"customer": onboarding.name}) == 1


def test_manager_only_actions_are_refused_per_row_for_a_customer_user(make_customer, personas):
	first, second = make_customer(), make_customer()
	for c in (first, second):
		apply_action(c.name, "Start Onboarding")
	with as_user(personas["user"]):
		state = run("lifecycle", [first.name, second.name], {"action": "Activate"})
	reason = "Only Customer Manager may apply Activate to a customer in Onboarding."
	assert outcome(state) == {first.name: ("failed", reason), second.name: ("failed", reason)}
	assert {frappe.db.get_value("Customer", c.name, "lifecycle_status") for c in (first, second)} == {
		"Onboarding"
	}


def test_archive_and_restore(make_customer):
	first, second = make_customer(), make_customer()
	run("archive", [first.name])
	state = run("archive", [first.name, second.name])
	assert outcome(state) == {first.name: ("done", "Already archived"), second.name: ("done", "Archived")}
	assert frappe.db.get_value("Customer", second.name, "archived") == 1
	assert frappe.db.exists("Comment", {"reference_name": second.name, "content": "Archived"})
	state = run("restore", [first.name, second.name])
	assert outcome(state) == {first.name: ("done", "Restored"), second.name: ("done", "Restored")}
	assert frappe.db.get_value("Customer", first.name, "archived") == 0


def test_delete_refuses_a_linked_customer_and_keeps_its_contact(make_customer, engagement_doctype):
	free, linked = make_customer(), make_customer()
	engagement = frappe.get_doc({"doctype": engagement_doctype, "customer": linked.name}).insert()
	contact = frappe.db.get_value("Customer", linked.name, "primary_contact")
	free_contact = frappe.db.get_value("Customer", free.name, "primary_contact")
	assert contact and free_contact

	state = run("delete", [free.name, linked.name, "CUST-0000-00000"])

	result = outcome(state)
	assert result[free.name] == ("done", "Deleted")
	status, message = result[linked.name]
	assert status == "failed" and f"1 {engagement_doctype}" in message and "Archive it instead" in message
	assert result["CUST-0000-00000"] == (
		"failed",
		"Customer CUST-0000-00000 was not found; it may have been deleted.",
	)
	assert (state["done"], state["failed"]) == (1, 2)
	assert not frappe.db.exists("Customer", free.name)
	assert not frappe.db.exists("Contact", free_contact)  # went with its only customer
	# the refused row is rolled back whole: on_trash had already removed its contact
	assert frappe.db.get_value("Customer", linked.name, "primary_contact") == contact
	assert frappe.db.exists("Contact", contact)


def test_a_customer_user_may_not_delete(make_customer, personas):
	customer = make_customer()
	with as_user(personas["user"]):
		state = run("delete", [customer.name])
	assert outcome(state) == {
		customer.name: ("failed", f"User not allowed to delete Customer: {customer.name}")
	}
	assert frappe.db.exists("Customer", customer.name)


def test_a_large_selection_runs_in_the_background_and_its_results_can_be_reopened(make_customer, personas):
	names = [make_customer().name for _ in range(BULK_INLINE + 2)]
	state = run("delete", names)
	assert state["finished"] == 0 and state["total"] == len(names) and not state["results"]
	assert all(frappe.db.exists("Customer", n) for n in names)  # nothing done in the request
	# the job is queued when the request commits; this test runs it itself, so it is not queued
	frappe.db.after_commit.reset()

	# what the worker runs (called here directly); it commits after each customer
	run_job(job=state["job_id"], action="delete", names=names, params={})

	reopened = get_results()
	assert reopened["job_id"] == state["job_id"]
	assert outcome(reopened) == {n: ("done", "Deleted") for n in names}
	assert get_results(state["job_id"]) == reopened
	frappe.clear_cache()  # as Frappe does when a user is made: the results stay
	assert get_results(state["job_id"]) == reopened
	assert not any(frappe.db.exists("Customer", n) for n in names)
	with as_user(personas["manager"]), pytest.raises(frappe.PermissionError):
		get_results(state["job_id"])


def test_over_http_a_refusal_is_a_row_not_an_error(http, base_url, make_customer):
	customer = make_customer()
	frappe.db.commit()
	try:
		r = http("user").post(
			f"{base_url}/api/method/customer_lifecycle.api.bulk.run",
			json={"action": "delete", "customers": [customer.name]},
		)
		assert r.status_code == 200, r.text
		message = r.json()["message"]
		assert [(x["customer"], x["result"]) for x in message["results"]] == [(customer.name, "failed")]
		assert "_server_messages" not in r.json()
		r = http("user").get(
			f"{base_url}/api/method/customer_lifecycle.api.bulk.run",
			params={"action": "archive", "customers": "[]"},
		)
		assert r.status_code == 403  # Frappe v15 answers a method not allowed with 403
	finally:
		frappe.delete_doc("Customer", customer.name)
		frappe.db.commit()
