"""The lifecycle is Frappe's Workflow: actions, roles, the terminal state, admin changes, automation."""

import frappe
import pytest
from frappe.client import set_value
from frappe.model.workflow import WorkflowTransitionError

from customer_lifecycle.api.lifecycle import apply_action, apply_workflow, get_actions, get_history
from customer_lifecycle.api.privacy import anonymize
from customer_lifecycle.lifecycle.engine import (
	LifecycleBypassError,
	LifecycleTransitionError,
	get_settings,
	move_to,
	timeline,
)
from tests.factories import edited_workflow
from tests.factories import lifecycle_changes as changes
from tests.helpers import as_user


def ensure_state(name, style=""):
	if not frappe.db.exists("Workflow State", name):
		frappe.get_doc({"doctype": "Workflow State", "workflow_state_name": name, "style": style}).insert()


def ensure_action(name):
	if not frappe.db.exists("Workflow Action Master", name):
		frappe.get_doc({"doctype": "Workflow Action Master", "workflow_action_name": name}).insert()


def test_action_moves_the_customer_and_records_the_change(make_customer):
	customer = make_customer()
	result = apply_action(customer.name, "Start Onboarding", reason="Signed the engagement letter")
	assert result["lifecycle_status"] == "Onboarding"
	assert frappe.db.get_value("Customer", customer.name, "lifecycle_status") == "Onboarding"
	[change] = changes(customer.name)
	assert (change.from_state, change.to_state, change.action) == (
		"Prospect",
		"Onboarding",
		"Start Onboarding",
	)
	assert change.reason == "Signed the engagement letter"
	assert change.changed_by == "Administrator" and change.automatic == 0
	assert change.seconds_in_from_state >= 0
	[item] = timeline("Customer", customer.name)
	assert (
		"Prospect" in item["content"]
		and "Onboarding" in item["content"]
		and "engagement letter" in item["content"]
	)
	assert get_history(customer.name)[0]["to_state"] == "Onboarding"


def test_the_desk_action_menu_path_records_its_reason(make_customer):
	customer = make_customer()
	doc = customer.as_dict()
	doc["_lifecycle_reason"] = "Asked by phone"
	apply_workflow(frappe.as_json(doc), "Start Onboarding")
	[change] = changes(customer.name)
	assert change.to_state == "Onboarding" and change.reason == "Asked by phone"


def test_direct_writes_of_the_state_are_refused(make_customer):
	customer = make_customer()
	doc = frappe.get_doc("Customer", customer.name)
	doc.lifecycle_status = "Onboarding"
	with pytest.raises(LifecycleBypassError) as error:
		doc.save()
	assert "Lifecycle Status" in str(error.value)
	with pytest.raises(LifecycleBypassError):
		set_value("Customer", customer.name, "lifecycle_status", "Onboarding")
	assert frappe.db.get_value("Customer", customer.name, "lifecycle_status") == "Prospect"
	assert changes(customer.name) == []


def test_bulk_edit_of_the_state_fails_per_row(make_customer):
	from frappe.desk.doctype.bulk_update.bulk_update import submit_cancel_or_update_docs

	customer = make_customer()
	frappe.db.commit()  # Frappe's bulk update commits or rolls back each row
	failed = submit_cancel_or_update_docs(
		"Customer", [customer.name], action="update", data={"lifecycle_status": "Onboarding"}
	)
	assert failed == [customer.name]
	assert frappe.db.get_value("Customer", customer.name, "lifecycle_status") == "Prospect"


def test_a_new_customer_cannot_be_created_in_a_later_state(site):
	with pytest.raises(LifecycleBypassError) as error:
		frappe.get_doc(
			{"doctype": "Customer", "customer_name": "Imported Active", "lifecycle_status": "Active"}
		).insert()
	assert "Prospect" in str(error.value)


def test_customer_user_may_start_onboarding_but_not_activate(make_customer, personas):
	customer = make_customer()
	with as_user(personas["user"]):
		assert [a["action"] for a in get_actions(customer.name)] == ["Start Onboarding"]
		apply_action(customer.name, "Start Onboarding")
		with pytest.raises(WorkflowTransitionError):
			apply_action(customer.name, "Activate")
	assert frappe.db.get_value("Customer", customer.name, "lifecycle_status") == "Onboarding"
	with as_user(personas["manager"]):
		apply_action(customer.name, "Activate")
	assert frappe.db.get_value("Customer", customer.name, "lifecycle_status") == "Active"


def test_a_user_without_a_customer_role_can_do_nothing(make_customer, personas):
	customer = make_customer()
	with as_user(personas["outsider"]), pytest.raises(frappe.PermissionError):
		apply_action(customer.name, "Start Onboarding")


def test_full_path_through_every_state(make_customer):
	customer = make_customer()
	for action, state in [
		("Start Onboarding", "Onboarding"),
		("Activate", "Active"),
		("Mark Dormant", "Dormant"),
		("Reactivate", "Active"),
		("Start Offboarding", "Offboarding"),
		("Complete Offboarding", "Offboarded"),
		("Re-engage", "Onboarding"),
	]:
		assert apply_action(customer.name, action)["lifecycle_status"] == state
	assert [c.to_state for c in changes(customer.name)][-1] == "Onboarding"
	assert len(changes(customer.name)) == 7


def test_anonymized_is_final_even_if_an_admin_adds_a_way_out(make_customer):
	customer = make_customer()
	anonymize(customer.name, confirm_name=customer.customer_name)
	ensure_action("Restore")
	with edited_workflow() as wf:
		wf.append(
			"transitions",
			{
				"state": "Anonymized",
				"action": "Restore",
				"next_state": "Prospect",
				"allowed": "Customer Manager",
				"allow_self_approval": 1,
			},
		)
		wf.save()
		with pytest.raises(LifecycleTransitionError) as error:
			apply_action(customer.name, "Restore")
		assert "final" in str(error.value)
		with pytest.raises(LifecycleTransitionError):
			move_to(customer.name, "Prospect")
	assert frappe.db.get_value("Customer", customer.name, "lifecycle_status") == "Anonymized"


def test_admin_adds_a_state_and_renames_an_action_without_code(make_customer):
	customer = make_customer()
	apply_action(customer.name, "Start Onboarding")
	apply_action(customer.name, "Activate")
	ensure_state("On Hold", "Warning")
	for name in ("Put On Hold", "Resume", "Go Quiet"):
		ensure_action(name)
	with edited_workflow() as wf:
		wf.append("states", {"state": "On Hold", "doc_status": "0", "allow_edit": "Customer User"})
		wf.append(
			"transitions",
			{
				"state": "Active",
				"action": "Put On Hold",
				"next_state": "On Hold",
				"allowed": "Customer Manager",
				"allow_self_approval": 1,
			},
		)
		wf.append(
			"transitions",
			{
				"state": "On Hold",
				"action": "Resume",
				"next_state": "Active",
				"allowed": "Customer Manager",
				"allow_self_approval": 1,
			},
		)
		for t in wf.transitions:
			if t.action == "Mark Dormant":
				t.action = "Go Quiet"
		wf.save()
		assert apply_action(customer.name, "Put On Hold")["lifecycle_status"] == "On Hold"
		assert apply_action(customer.name, "Resume")["lifecycle_status"] == "Active"
		assert apply_action(customer.name, "Go Quiet")["lifecycle_status"] == "Dormant"
		with pytest.raises(WorkflowTransitionError):
			apply_action(customer.name, "Mark Dormant")
	assert [c.action for c in changes(customer.name)][-3:] == ["Put On Hold", "Resume", "Go Quiet"]


def test_automation_moves_through_the_workflow_for_any_user(make_customer, personas):
	customer = make_customer()
	with as_user(personas["user"]):
		apply_action(customer.name, "Start Onboarding")
		# a Customer User may not apply "Activate", but the app's own automation may
		assert (
			move_to(customer.name, get_settings().onboarding_complete_state, reason="checklist done") is True
		)
	last = changes(customer.name)[-1]
	assert (last.to_state, last.automatic, last.reason) == ("Active", 1, "checklist done")
	assert move_to(customer.name, "Active") is False  # already there: nothing changes


def test_automation_is_refused_when_the_workflow_has_no_such_move(make_customer):
	customer = make_customer()
	with pytest.raises(LifecycleTransitionError) as error:
		move_to(customer.name, "Active")
	assert "Prospect" in str(error.value) and "Active" in str(error.value)
	assert frappe.db.get_value("Customer", customer.name, "lifecycle_status") == "Prospect"
	assert changes(customer.name) == []
