"""Frappe's own workflow doors: every path that applies a workflow action through Frappe's code
counts as a lifecycle action, with Frappe's role checks and the change log; every plain write of the
state is still refused. The guard does not depend on the HTTP entry point (lifecycle/engine.py)."""

import email
import html
import re
import uuid
from contextlib import contextmanager

import frappe
import pytest
import requests
from frappe.model.workflow import WorkflowTransitionError, apply_workflow
from frappe.utils.safe_exec import is_safe_exec_enabled

from customer_lifecycle.lifecycle.engine import LifecycleBypassError, action_reason
from tests.helpers import as_user

WORKFLOW = "Customer Lifecycle"


def changes(customer):
	return frappe.get_all(
		"Customer Lifecycle Change",
		filters={"customer": customer},
		fields=["from_state", "to_state", "action", "reason", "automatic", "changed_by"],
		order_by="changed_on asc, creation asc",
	)


def state(name):
	return frappe.db.get_value("Customer", name, "lifecycle_status")


def committed(make_customer, **fields):
	"""A customer the served site sees."""
	customer = make_customer(**fields)
	frappe.db.commit()
	return customer.name


# --- Python: apply_workflow as another app, a scheduled job or a console would call it -----------


def test_apply_workflow_in_python_is_a_lifecycle_action(make_customer, personas):
	customer = make_customer()
	with as_user(personas["manager"]):
		doc = apply_workflow(frappe.get_doc("Customer", customer.name), "Start Onboarding")
	assert doc.lifecycle_status == "Onboarding" and state(customer.name) == "Onboarding"
	[change] = changes(customer.name)
	assert (change.from_state, change.to_state, change.action) == (
		"Prospect",
		"Onboarding",
		"Start Onboarding",
	)
	assert (change.changed_by, change.automatic, change.reason) == (personas["manager"], 0, None)
	# Frappe's own audit trail is kept: its workflow comment and the Version
	assert frappe.db.exists(
		"Comment",
		{"reference_doctype": "Customer", "reference_name": customer.name, "comment_type": "Workflow"},
	)
	assert frappe.db.exists("Version", {"ref_doctype": "Customer", "docname": customer.name})


def test_apply_workflow_in_python_keeps_frappes_role_check(make_customer, personas):
	customer = make_customer()
	with as_user(personas["user"]):
		apply_workflow(frappe.get_doc("Customer", customer.name), "Start Onboarding")
		with pytest.raises(WorkflowTransitionError):
			apply_workflow(frappe.get_doc("Customer", customer.name), "Activate")
	assert state(customer.name) == "Onboarding"
	assert [c.action for c in changes(customer.name)] == ["Start Onboarding"]


def test_a_reason_alone_grants_nothing(make_customer):
	"""The reason the desk's prompt carries is only a reason: a hand-made save inside it is still a
	plain write."""
	customer = make_customer()
	doc = frappe.get_doc("Customer", customer.name)
	with action_reason(customer.name, "looks like an action"):
		doc.lifecycle_status = "Onboarding"
		with pytest.raises(LifecycleBypassError):
			doc.save()
	assert state(customer.name) == "Prospect" and changes(customer.name) == []


def test_only_the_document_being_applied_counts(make_customer, monkeypatch):
	"""While Frappe applies an action to one customer, a save of another customer whose state was
	changed by hand (here, from the first one's save) is still a plain write."""
	from customer_lifecycle.customers.doctype.customer.customer import Customer

	first, second = make_customer(), make_customer()
	original = Customer.on_update

	def on_update(self):
		original(self)
		if self.name == first.name:
			other = frappe.get_doc("Customer", second.name)
			other.lifecycle_status = "Onboarding"
			other.save()

	monkeypatch.setattr(Customer, "on_update", on_update)
	with pytest.raises(LifecycleBypassError) as error:
		apply_workflow(frappe.get_doc("Customer", first.name), "Start Onboarding")
	assert second.name not in str(error.value) or "cannot be changed directly" in str(error.value)
	assert state(second.name) == "Prospect"


# --- a Server Script ---------------------------------------------------------------------------


@pytest.fixture
def server_script():
	"""An API Server Script that applies the action it is given through Frappe's whitelisted
	apply_workflow, as an admin would write one; committed for the served site, removed after."""
	assert is_safe_exec_enabled(), "server scripts must be enabled (./dev.sh test sets server_script_enabled)"
	method = f"cl_apply_{uuid.uuid4().hex[:8]}"
	script = frappe.get_doc(
		{
			"doctype": "Server Script",
			"name": f"CL Apply {method}",
			"script_type": "API",
			"api_method": method,
			"script": (
				'doc = frappe.get_doc("Customer", frappe.form_dict.customer)\n'
				'frappe.call("frappe.model.workflow.apply_workflow", doc=doc, action=frappe.form_dict.action)\n'
				'frappe.response["message"] = frappe.db.get_value("Customer", doc.name, "lifecycle_status")\n'
			),
		}
	).insert()
	frappe.db.commit()
	yield method
	frappe.delete_doc("Server Script", script.name, force=True)
	frappe.db.commit()


def test_a_server_script_applies_actions_with_the_callers_roles(
	http, base_url, make_customer, server_script, personas
):
	customer = committed(make_customer)
	url = f"{base_url}/api/method/{server_script}"
	r = http("user").post(url, data={"customer": customer, "action": "Start Onboarding"})
	assert r.status_code == 200 and r.json()["message"] == "Onboarding", r.text[:500]
	r = http("user").post(url, data={"customer": customer, "action": "Activate"})
	assert r.status_code == 417 and "Not a valid Workflow Action" in r.text, r.text[:500]
	frappe.db.rollback()
	assert state(customer) == "Onboarding"
	[change] = changes(customer)
	assert (change.action, change.changed_by) == ("Start Onboarding", personas["user"])


# --- Workflow Action approval from the workflow's emails ---------------------------------------


@contextmanager
def workflow_emails_on(from_state: str, approval_state: str):
	"""The lifecycle workflow emails the next action to those who may take it, for customers in
	`from_state` moving into `approval_state`, as an admin sets it up in the Workflow editor (Send
	Email Alert; the state's Send Email; the approval state no longer optional: Frappe asks for
	approval of moves into the others),
	through a committed outgoing account (Frappe's test mode queues the emails and sends none); all
	undone afterwards."""
	previous = frappe.flags.in_test
	frappe.flags.in_test = True
	frappe.local.outgoing_email_account = {}
	tag = uuid.uuid4().hex[:6]
	# committed, and its address unique among accounts: one a crashed run left must not refuse it
	account = frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_account_name": f"CL Workflow {tag}",
			"email_id": f"cl-workflow-{tag}@example.com",
			"enable_outgoing": 1,
			"default_outgoing": 1,
			"smtp_server": "localhost",
			"no_smtp_authentication": 1,
		}
	).insert(ignore_permissions=True)
	set_up_emails(from_state, approval_state, on=True)
	try:
		yield
	finally:
		frappe.flags.in_test = previous
		frappe.local.outgoing_email_account = {}
		frappe.db.rollback()
		set_up_emails(from_state, approval_state, on=False)
		frappe.delete_doc("Email Account", account.name, force=True, ignore_permissions=True)
		frappe.db.commit()


def set_up_emails(from_state: str, approval_state: str, on: bool) -> None:
	workflow = frappe.get_doc("Workflow", WORKFLOW)
	workflow.send_email_alert = int(on)
	for row in workflow.states:
		if row.state == from_state:
			row.send_email = int(on)
		if row.state == approval_state:
			row.is_optional_state = int(not on)
	workflow.save()
	frappe.db.commit()


def email_links(recipient: str, customer: str) -> list[str]:
	"""The links in the newest Workflow Action email to `recipient` about `customer` (Frappe queues
	one email per user who may act: other Customer Managers on the site get theirs)."""
	queues = [
		frappe.get_doc("Email Queue", name)
		for name in frappe.get_all(
			"Email Queue",
			filters={"reference_doctype": "Customer", "reference_name": customer},
			pluck="name",
			order_by="creation desc",
		)
	]
	mine = [q for q in queues if recipient in [r.recipient for r in q.recipients]]
	assert mine, [r.recipient for q in queues for r in q.recipients]
	queue = mine[0]
	parts = email.message_from_string(queue.message).walk()
	body = "".join(p.get_payload(decode=True).decode() for p in parts if p.get_content_type() == "text/html")
	return [html.unescape(link) for link in re.findall(r'href="([^"]+)"', body)]


def test_an_approval_link_in_a_workflow_email_applies_the_action(make_customer, base_url, personas):
	manager = personas["manager"]
	customer = committed(make_customer)
	with workflow_emails_on("Onboarding", "Active"):
		with as_user(manager):
			apply_workflow(frappe.get_doc("Customer", customer), "Start Onboarding")
		frappe.db.commit()
		# the manager's email offers the next action, Activate, as a signed link
		[link] = [
			url
			for url in email_links(manager, customer)
			if "workflow_action.apply_action" in url and "Activate" in url
		]
		guest = requests.Session()
		page = guest.get(base_url + link[link.index("/api/method/") :], timeout=60)
		assert page.status_code == 200, page.text[:500]
		[confirm] = [html.unescape(u) for u in re.findall(r'href="([^"]*confirm_action[^"]*)"', page.text)]
		done = guest.get(base_url + confirm[confirm.index("/api/method/") :], timeout=60)
		assert done.status_code == 200 and "Active" in done.text, done.text[:500]
	frappe.db.rollback()
	assert state(customer) == "Active"
	assert [(c.action, c.changed_by) for c in changes(customer)] == [
		("Start Onboarding", manager),
		("Activate", manager),
	]


# --- Frappe's bulk approval from the list ------------------------------------------------------


def test_frappes_bulk_approval_moves_each_customer_the_role_allows(http, base_url, make_customer, personas):
	prospects = [committed(make_customer) for _ in range(2)]
	url = f"{base_url}/api/method/frappe.model.workflow.bulk_workflow_approval"
	r = http("user").post(
		url, data={"docnames": frappe.as_json(prospects), "doctype": "Customer", "action": "Start Onboarding"}
	)
	# Frappe reports each document's outcome over realtime (msgprint realtime=True), not in the answer
	assert r.status_code == 200, r.text[:500]
	frappe.db.rollback()
	assert [state(p) for p in prospects] == ["Onboarding", "Onboarding"]
	assert all([c.action for c in changes(p)] == ["Start Onboarding"] for p in prospects)
	# a Customer User may not activate: each customer fails, none moves
	r = http("user").post(
		url, data={"docnames": frappe.as_json(prospects), "doctype": "Customer", "action": "Activate"}
	)
	assert r.status_code == 200, r.text[:500]
	frappe.db.rollback()
	assert [state(p) for p in prospects] == ["Onboarding", "Onboarding"]


# --- plain writes of the state, each still refused ----------------------------------------------


def test_a_data_import_that_updates_the_state_is_refused_row_by_row(make_customer):
	from frappe.core.doctype.data_import.importer import Importer

	customer = committed(make_customer)
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"cl-state-{uuid.uuid4().hex[:6]}.csv",
			"content": f"ID,Lifecycle Status\n{customer},Active\n",
			"is_private": 1,
		}
	).insert()
	data_import = frappe.get_doc(
		{
			"doctype": "Data Import",
			"reference_doctype": "Customer",
			"import_type": "Update Existing Records",
			"import_file": file.file_url,
		}
	).insert()
	frappe.db.commit()
	Importer("Customer", data_import=data_import).import_data()
	frappe.db.rollback()
	assert state(customer) == "Prospect" and changes(customer) == []
	[log] = frappe.get_all(
		"Data Import Log", filters={"data_import": data_import.name}, fields=["success", "messages"]
	)
	assert not log.success and "cannot be changed directly" in log.messages
