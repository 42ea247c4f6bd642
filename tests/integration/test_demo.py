"""Demo data: bulk customers whose history is a real path through the lifecycle workflow."""

import frappe

from customer_lifecycle.demo.customers import add_primary_contacts, make_customers
from customer_lifecycle.lifecycle.engine import get_workflow, initial_state
from customer_lifecycle.utils.naming import reserve_names
from customer_lifecycle.utils.normalize import normalize_email, normalize_phone


def test_demo_customers_cover_the_states_with_consistent_history(site):
	names = make_customers(60, seed=11)
	assert len(set(names)) == 60
	customers = frappe.get_all(
		"Customer",
		filters={"name": ["in", names]},
		fields=["name", "lifecycle_status", "email", "phone", "lifecycle_since"],
	)
	assert len({c.lifecycle_status for c in customers}) >= 5
	allowed = {(t.state, t.next_state) for t in get_workflow().transitions}
	first = initial_state(get_workflow())
	for c in customers:
		assert c.email is None or normalize_email(c.email) == c.email
		assert c.phone is None or normalize_phone(c.phone) == c.phone
		steps = frappe.get_all(
			"Customer Lifecycle Change",
			filters={"customer": c.name},
			fields=["from_state", "to_state", "changed_on"],
			order_by="changed_on asc",
		)
		state = first
		for step in steps:
			assert step.from_state == state and (step.from_state, step.to_state) in allowed
			state = step.to_state
		assert state == c.lifecycle_status
		if steps:
			assert c.lifecycle_since == steps[-1].changed_on


def test_reserved_names_follow_the_series_without_gaps(site):
	a = reserve_names("CUST-.YYYY.-.#####", 3)
	b = reserve_names("CUST-.YYYY.-.#####", 2)
	numbers = [int(n.rsplit("-", 1)[1]) for n in a + b]
	assert numbers == list(range(numbers[0], numbers[0] + 5))
	frappe.db.rollback()


def test_demo_customers_have_the_primary_contact_the_controller_would_make(site):
	[name] = make_customers(1, seed=12)
	customer = frappe.get_doc("Customer", name)
	assert customer.primary_contact
	contact = frappe.get_doc("Contact", customer.primary_contact)
	assert [(link.link_doctype, link.link_name) for link in contact.links] == [("Customer", name)]
	assert contact.email_id == (customer.email or "") and contact.is_primary_contact
	# a save through the controller adopts it and makes no second Contact
	customer.notes = "saved again"
	customer.save()
	assert frappe.db.count("Dynamic Link", {"parenttype": "Contact", "link_name": name}) == 1


def test_older_demo_customers_get_their_primary_contact(site):
	[name] = make_customers(1, seed=13)
	contact = frappe.db.get_value("Customer", name, "primary_contact")
	frappe.delete_doc("Contact", contact, force=True)
	frappe.db.set_value("Customer", name, "primary_contact", None)
	frappe.db.set_value("Customer", name, "email", "older.demo@example.com")
	assert add_primary_contacts(echo=lambda *_: None) >= 1
	made = frappe.db.get_value("Customer", name, "primary_contact")
	assert made and frappe.db.get_value("Contact", made, "email_id") == "older.demo@example.com"


def test_demo_service_plans_have_a_history_made_by_the_daily_job(site):
	from customer_lifecycle.demo.service import make_subscriptions

	names = make_customers(30, seed=13)
	subscriptions = make_subscriptions(names, share=0.5, days=20, seed=3, commit=False)
	assert subscriptions
	rows = frappe.get_all(
		"Service Subscription",
		filters={"name": ("in", subscriptions)},
		fields=["name", "status", "next_visit_date"],
	)
	assert {row.status for row in rows} == {"Active"} and all(row.next_visit_date for row in rows)
	visits = frappe.get_all(
		"Event",
		filters={"reference_doctype": "Service Subscription", "reference_docname": ("in", subscriptions)},
		fields=["status", "starts_on"],
	)
	assert {v.status for v in visits if v.starts_on.date() < frappe.utils.getdate()} <= {"Completed"}
	assert any(v.status == "Open" for v in visits)
	assert frappe.db.count("Customer Invoice", {"service_subscription": ("in", subscriptions)}) >= len(
		subscriptions
	)
	frappe.db.rollback()
