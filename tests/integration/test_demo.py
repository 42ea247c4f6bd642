"""Demo data: bulk customers whose history is a real path through the lifecycle workflow."""

import frappe

from customer_lifecycle.demo.customers import add_primary_contacts, make_customers
from customer_lifecycle.lifecycle.engine import get_settings, get_workflow, initial_state
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


def test_demo_time_is_valued_as_the_controller_values_it_and_partly_billed(site):
	from frappe.utils import get_first_day, getdate, nowdate

	from customer_lifecycle.billing import rules, time_entries
	from customer_lifecycle.demo.time_entries import DAY_HOURS, make_time

	make_customers(30, seed=21)
	made = make_time(share=1, most=4, months=2, seed=5, echo=lambda *_: None)
	entries = frappe.get_all(
		"Time Entry",
		filters={"engagement": ("in", made.engagements)},
		fields=["customer", "activity", "user", "date", "hours", "billable", "rate", "amount", "invoice"],
	)
	assert len(entries) == made.entries > 0
	active = get_settings().active_state
	assert {frappe.db.get_value("Customer", e.customer, "lifecycle_status") for e in entries} == {active}
	for e in entries:
		if e.billable:
			assert e.rate == time_entries.rate_in_force(e.customer, e.activity, e.user).rate > 0
			assert e.amount == rules.time_value(e.hours, e.rate)
		else:
			assert (e.rate, e.amount, e.invoice) == (0, 0, None)
	this_month = getdate(get_first_day(nowdate()))
	past = [e for e in entries if e.billable and e.date < this_month]
	assert past and all(e.invoice for e in past)
	assert not any(e.invoice for e in entries if e.date >= this_month)
	# each invoice is the time it billed, and most were submitted
	invoices = {e.invoice for e in past}
	for invoice in invoices:
		billed = sum(e.amount for e in past if e.invoice == invoice)
		assert frappe.db.get_value("Customer Invoice", invoice, "total") == round(billed, 2)
	assert made.invoices == len(invoices) and 0 < made.submitted <= made.invoices
	days: dict = {}
	for e in entries:
		days[e.user, e.date] = days.get((e.user, e.date), 0) + e.hours
	assert max(days.values()) <= DAY_HOURS
