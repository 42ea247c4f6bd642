"""What a client sees over HTTP: REST writes, whitelisted methods, roles, guests, GET vs POST."""

import frappe
import pytest

APPLY = "/api/method/customer_lifecycle.api.lifecycle.apply_action"


@pytest.fixture
def saved_customer(make_customer):
	"""A customer committed to the database, so the running server sees it."""
	customer = make_customer()
	frappe.db.commit()
	return customer.name


def state(name):
	frappe.db.rollback()  # see what the server committed
	return frappe.db.get_value("Customer", name, "lifecycle_status")


def test_rest_put_of_the_state_is_refused(http, base_url, saved_customer):
	r = http("manager").put(
		f"{base_url}/api/resource/Customer/{saved_customer}", json={"lifecycle_status": "Onboarding"}
	)
	assert r.status_code == 417, r.text
	assert "Lifecycle Status" in r.text and "cannot be changed directly" in r.text
	assert state(saved_customer) == "Prospect"


def test_rest_put_of_other_fields_still_works(http, base_url, saved_customer):
	r = http("user").put(
		f"{base_url}/api/resource/Customer/{saved_customer}", json={"email": " New.Address@Example.com "}
	)
	assert r.status_code == 200, r.text
	assert r.json()["data"]["email"] == "new.address@example.com"


def test_set_value_of_the_state_is_refused(http, base_url, saved_customer):
	r = http("manager").post(
		f"{base_url}/api/method/frappe.client.set_value",
		data={
			"doctype": "Customer",
			"name": saved_customer,
			"fieldname": "lifecycle_status",
			"value": "Onboarding",
		},
	)
	assert r.status_code == 417, r.text
	assert state(saved_customer) == "Prospect"


def test_customer_user_cannot_apply_a_manager_action_over_rest(http, base_url, saved_customer):
	r = http("user").post(
		f"{base_url}{APPLY}", data={"customer": saved_customer, "action": "Start Onboarding"}
	)
	assert r.status_code == 200, r.text
	r = http("user").post(f"{base_url}{APPLY}", data={"customer": saved_customer, "action": "Activate"})
	assert r.status_code == 417 and "Not a valid Workflow Action" in r.text
	assert state(saved_customer) == "Onboarding"
	r = http("manager").post(
		f"{base_url}{APPLY}", data={"customer": saved_customer, "action": "Activate", "reason": "ok"}
	)
	assert r.status_code == 200 and r.json()["message"]["lifecycle_status"] == "Active"


def test_the_desk_workflow_endpoint_is_routed_through_the_app(http, base_url, saved_customer):
	doc = frappe.get_doc("Customer", saved_customer).as_dict()
	doc["_lifecycle_reason"] = "from the action menu"
	r = http("user").post(
		f"{base_url}/api/method/frappe.model.workflow.apply_workflow",
		data={"doc": frappe.as_json(doc), "action": "Start Onboarding"},
	)
	assert r.status_code == 200, r.text
	assert state(saved_customer) == "Onboarding"
	assert (
		frappe.db.get_value("Customer Lifecycle Change", {"customer": saved_customer}, "reason")
		== "from the action menu"
	)


def test_state_changes_refuse_get(http, base_url, saved_customer):
	r = http("manager").get(
		f"{base_url}{APPLY}", params={"customer": saved_customer, "action": "Start Onboarding"}
	)
	assert r.status_code == 403, r.text
	assert state(saved_customer) == "Prospect"


@pytest.mark.parametrize("persona", [None, "outsider"])
def test_guests_and_other_roles_are_refused(http, base_url, saved_customer, persona):
	client = http(persona)
	assert (
		client.post(
			f"{base_url}{APPLY}", data={"customer": saved_customer, "action": "Start Onboarding"}
		).status_code
		== 403
	)
	assert client.get(f"{base_url}/api/resource/Customer/{saved_customer}").status_code == 403
	assert (
		client.post(
			f"{base_url}/api/method/customer_lifecycle.api.customer.set_archived",
			data={"customer": saved_customer, "archived": 1},
		).status_code
		== 403
	)
	assert state(saved_customer) == "Prospect"


def test_archive_over_http(http, base_url, saved_customer):
	r = http("user").post(
		f"{base_url}/api/method/customer_lifecycle.api.customer.set_archived",
		data={"customer": saved_customer, "archived": 1},
	)
	assert r.status_code == 200, r.text
	frappe.db.rollback()
	assert frappe.db.get_value("Customer", saved_customer, ["archived", "lifecycle_status"]) == (
		1,
		"Prospect",
	)
