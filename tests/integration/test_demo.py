"""Demo data: bulk customers whose history is a real path through the lifecycle workflow, and the
whole demo, whose bulk figures are the ones the controllers would hold."""

import frappe
import pytest
from frappe.utils import getdate, nowdate

from customer_lifecycle.billing import figures, rates
from customer_lifecycle.customers import dates
from customer_lifecycle.demo import PORTAL_LOGIN, make_demo
from customer_lifecycle.demo.customers import add_primary_contacts, make_customers
from customer_lifecycle.lifecycle import dormancy
from customer_lifecycle.lifecycle.engine import get_settings, get_workflow, initial_state
from customer_lifecycle.utils.naming import reserve_names
from customer_lifecycle.utils.normalize import normalize_email, normalize_phone
from tests.factories import make_active_customer


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


# --- the whole demo: every module in use, with the figures the controllers would hold -------------


@pytest.fixture(scope="module")
def demo(site):
	"""The demo, made once for this module on the test site (a small firm: its steps are the same)."""
	return make_demo(60, seed=21, echo=lambda *_: None)


def test_the_demo_puts_every_module_to_use(demo):
	customers = demo["customers"]
	assert len(customers) == 60 and len(demo["staff"]) == 3
	billing = demo["Billing"]
	assert billing["invoices"] > 60 and billing["payments"] > 30 and billing["engagements"] > 10
	assert {"completed checklists", "in progress checklists"} <= set(demo["Onboarding"])
	assert demo["Around the customers"]["notes"] > 0 and demo["Around the customers"]["flags"] > 0
	assert demo["Time"]["time entries"] > 0 and demo["Time"]["invoices of time"] > 0
	assert frappe.db.count("Time Entry", {"customer": ("in", customers), "user": ("in", demo["staff"])})

	def count(doctype, **filters):
		return frappe.db.count(doctype, {"customer": ("in", customers), **filters})

	# every payer profile leaves its mark on the invoices
	for status in ("Paid", "Overdue"):
		assert count("Customer Invoice", status=status), status
	assert frappe.db.sql(
		"select count(*) from `tabCustomer Invoice` where customer in %s and docstatus = 1"
		" and outstanding_amount > 0 and outstanding_amount < total",
		[tuple(customers)],
	)[0][0], "no partly paid invoice"
	assert count("Engagement", status="Delivered")
	assert count("Customer Note", visibility="Internal") and count(
		"Customer Note", visibility="Customer-visible"
	)
	assert {
		f.severity for f in frappe.get_all("Customer Flag", {"customer": ("in", customers)}, ["severity"])
	} >= {
		"Low",
		"Medium",
		"High",
	}
	assert frappe.db.count(
		"ToDo",
		{
			"reference_type": "Customer",
			"reference_name": ("in", customers),
			"allocated_to": ("in", demo["staff"]),
		},
	)
	assert frappe.db.count("Tag Link", {"document_type": "Customer", "document_name": ("in", customers)})
	# letters and statements generated by the staff, their PDFs filed, some shared on the portal
	documents = frappe.get_all(
		"Generated Document",
		filters={"customer": ("in", customers)},
		fields=["owner", "file", "shared_on_portal"],
	)
	assert len(documents) == demo["Documents"]["documents"] >= 3
	assert {d.owner for d in documents} <= set(demo["staff"]) and all(d.file for d in documents)
	assert any(d.shared_on_portal for d in documents)
	# files: custom folders inside the customers' own, and the staff as one team (a User Group)
	around = demo["Around the customers"]
	assert around["files"] >= 6
	folders = frappe.get_all(
		"File", {"is_folder": 1, "folder": ("like", "Home/Customers/%")}, ["folder", "file_name"]
	)
	assert {f.file_name for f in folders} & {"Contracts", "Receipts", "Saved Quotes"}
	assert frappe.db.count(
		"File",
		{
			"attached_to_doctype": "Customer",
			"attached_to_name": ("in", customers),
			"folder": ("like", "Home/Customers/%/%"),
		},
	)
	team = frappe.get_all("User Group Member", {"parent": "Demo Customer Team"}, pluck="user")
	assert set(demo["staff"]) <= set(team)
	# answers the customers gave on their onboarding items
	assert frappe.db.count(
		"Onboarding Checklist Item",
		{
			"answer": ("is", "set"),
			"parent": (
				"in",
				frappe.get_all("Onboarding Checklist", {"customer": ("in", customers)}, pluck="name"),
			),
		},
	)
	# the nightly jobs ran: segments are set, and nobody is left for the dormancy job to move
	assert frappe.db.count("Customer", {"name": ("in", customers), "revenue_segment": ("is", "set")})
	left = {name for name, _target in dormancy.candidates(get_settings(), getdate(nowdate()))}
	assert not left & set(customers)
	assert frappe.db.exists("User", PORTAL_LOGIN[0])
	requests = frappe.get_all("Information Request", {"customer": ("in", customers)}, pluck="status")
	assert len(requests) == demo["Portal customer and requests"]["information requests"] - (
		5 if demo["Portal customer and requests"]["portal customers"] else 0
	)
	assert requests
	# service plans on the demo's own customers, visited by its staff, their history made by the job
	plans = demo["Service plans"]
	assert plans["service subscriptions"] and plans["visits"] and plans["period invoices"]
	subscriptions = frappe.get_all(
		"Service Subscription", {"customer": ("in", customers)}, ["customer", "assigned_to"]
	)
	assert len(subscriptions) == plans["service subscriptions"]
	assert {row.assigned_to for row in subscriptions} <= set(demo["staff"])
	# birthdays (some in the next 14 days) and anniversaries, and a draft message
	upcoming = [row for row in dates.upcoming() if row["customer"] in customers]
	assert {"Birthday"} <= {row["kind"] for row in upcoming}
	assert frappe.db.count("Customer", {"name": ("in", customers), "birth_date": ("is", "set")})
	assert demo["Birthdays and a message"]["draft newsletters"] == 1
	newsletter = frappe.get_last_doc("Newsletter")
	members = frappe.get_all(
		"Email Group Member", {"email_group": newsletter.email_group[0].email_group}, pluck="email"
	)
	assert len(members) == demo["Birthdays and a message"]["recipients"] and not newsletter.email_sent
	for email in members:
		assert frappe.db.exists("Contact", {"email_id": email, "marketing_consent": 1})


def test_the_demo_holds_the_figures_the_controllers_would(demo):
	"""Replay a sample of the demo's customers through the controllers (a new customer, each invoice
	inserted and submitted with its rates filled in by the app, each payment submitted against the
	replayed invoices): every invoice and every stored figure comes out the same."""
	billed = frappe.get_all(
		"Customer",
		filters={"name": ("in", demo["customers"]), "invoice_count": (">", 0)},
		fields=["name", "customer_category", "customer_type", *figures.FIGURES],
		order_by="balance desc",
	)
	assert len(billed) >= 4
	sample = [*billed[:2], *billed[-2:]]
	for original in sample:
		replay = make_active_customer(
			customer_category=original.customer_category, customer_type=original.customer_type
		)
		for rate in frappe.get_all(
			"Customer Rate", {"customer": original.name}, ["item_code", "description", "rate", "currency"]
		):
			frappe.get_doc({"doctype": "Customer Rate", "customer": replay.name, **rate}).insert()
		replayed = replay_billing(original.name, replay.name)
		for invoice, copy in replayed.items():
			expected = frappe.db.get_value(
				"Customer Invoice",
				invoice,
				["total", "outstanding_amount", "status", "due_date"],
				as_dict=True,
			)
			actual = frappe.db.get_value(
				"Customer Invoice", copy, ["total", "outstanding_amount", "status", "due_date"], as_dict=True
			)
			assert actual == expected, (invoice, copy)
		stored = frappe.db.get_value("Customer", replay.name, figures.FIGURES, as_dict=True)
		assert {f: stored[f] for f in figures.FIGURES} == {f: original[f] for f in figures.FIGURES}
	frappe.db.rollback()


def replay_billing(original: str, replay: str) -> dict[str, str]:
	"""Enter the original's invoices and payments again for `replay`, day by day (a day's invoices
	before its payments); returns {original invoice: its copy}."""
	invoices = frappe.get_all(
		"Customer Invoice",
		{"customer": original, "docstatus": 1},
		["name", "posting_date"],
		order_by="posting_date, name",
	)
	payments = frappe.get_all(
		"Customer Payment",
		{"customer": original, "docstatus": 1},
		["name", "posting_date", "amount", "method", "is_retainer_deposit", "allocate_oldest_first"],
		order_by="posting_date, name",
	)
	events = sorted(
		[(i.posting_date, 0, i) for i in invoices] + [(p.posting_date, 1, p) for p in payments],
		key=lambda e: (e[0], e[1], e[2].name),
	)
	copies: dict[str, str] = {}
	for posted, kind, row in events:
		if kind == 0:
			items = frappe.get_all(
				"Customer Invoice Item",
				{"parent": row.name},
				["item_code", "qty", "rate", "description"],
				order_by="idx",
			)
			# time invoiced is billed at the rates of the time entries (billing/time_invoicing.py)
			of_time = frappe.db.exists("Time Entry", {"invoice": row.name})
			priced = {} if of_time else rates.find_rates(replay, [i.item_code for i in items])
			copy = frappe.get_doc(
				{
					"doctype": "Customer Invoice",
					"customer": replay,
					"posting_date": posted,
					# no due date, and no rate where the customer or its category has one: the app
					# fills them in from the customer's rates and terms (a customer with no category
					# and no rate of its own was billed at the usual rate, typed in as staff would)
					"items": [
						{"item_code": i.item_code, "qty": i.qty}
						if i.item_code in priced
						else {
							"item_code": i.item_code,
							"qty": i.qty,
							"rate": i.rate,
							"description": i.description,
						}
						for i in items
					],
				}
			).insert()
			copy.submit()
			copies[row.name] = copy.name
			continue
		allocations = frappe.get_all(
			"Customer Payment Allocation", {"parent": row.name}, ["invoice", "allocated_amount"]
		)
		frappe.get_doc(
			{
				"doctype": "Customer Payment",
				"customer": replay,
				"posting_date": posted,
				"amount": row.amount,
				"method": row.method,
				"is_retainer_deposit": row.is_retainer_deposit,
				"allocate_oldest_first": row.allocate_oldest_first,
				"allocations": [
					{"invoice": copies[a.invoice], "allocated_amount": a.allocated_amount}
					for a in allocations
				],
			}
		).insert().submit()
	return copies


def test_the_demo_keeps_what_the_controllers_compute(demo):
	"""A save through the controller changes nothing the demo wrote in bulk: a customer's
	completeness, name key and figures; a checklist's progress and status."""
	fields = ["completeness", "name_key", *figures.FIGURES]
	for name in demo["customers"][:: max(1, len(demo["customers"]) // 8)]:
		if frappe.db.get_value("Customer", name, "lifecycle_status") == get_settings().anonymized_state:
			continue
		before = frappe.db.get_value("Customer", name, fields, as_dict=True)
		frappe.get_doc("Customer", name).save()
		assert frappe.db.get_value("Customer", name, fields, as_dict=True) == before, name
	checklists = frappe.get_all(
		"Onboarding Checklist",
		{"customer": ("in", demo["customers"])},
		["name", "status", "progress"],
		order_by="status, name",
	)
	assert {c.status for c in checklists} >= {"Completed", "In Progress"}
	for checklist in checklists[:: max(1, len(checklists) // 8)]:
		doc = frappe.get_doc("Onboarding Checklist", checklist.name)
		doc.save()
		assert (doc.status, doc.progress) == (checklist.status, checklist.progress), checklist.name
	frappe.db.rollback()


def test_demo_requests_cover_every_state(site):
	from customer_lifecycle.demo import requests
	from tests.factories import make_active_customer

	customer = make_active_customer()
	made = requests.make_each_state(customer.name)
	assert {
		status: frappe.db.get_value("Information Request", name, "status") for status, name in made.items()
	} == {status: status for status in requests.STATES}
	# what the complete one holds came through the items' mechanism: answers and documents
	complete = frappe.get_doc("Information Request", made["Complete"])
	assert all(row.done and (row.answer or row.attachment) for row in complete.items)


def test_demo_time_is_valued_as_the_controller_values_it_and_partly_billed(site):
	from frappe.utils import get_first_day, getdate, nowdate

	from customer_lifecycle.billing import rules, time_entries
	from customer_lifecycle.demo.staff import make_staff
	from customer_lifecycle.demo.time_entries import DAY_HOURS, make_time

	customers = make_customers(30, seed=21)
	made = make_time(customers, make_staff(), share=1, most=4, months=2, seed=5, echo=lambda *_: None)
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
		entries_billed = [e for e in past if e.invoice == invoice]
		lines = frappe.get_all("Customer Invoice Item", {"parent": invoice}, ["qty", "rate", "amount"])
		# every hour billed once, at the entries' rates: a line per entry is worth what the entry is,
		# a line per activity its hours at the rate, rounded once (a cent off the entries' own sum)
		assert sum(line.qty for line in lines) == pytest.approx(sum(e.hours for e in entries_billed))
		assert {line.rate for line in lines} <= {e.rate for e in entries_billed}
		assert all(line.amount == rules.time_value(line.qty, line.rate) for line in lines)
		total = frappe.db.get_value("Customer Invoice", invoice, "total")
		assert total == round(sum(line.amount for line in lines), 2)
		assert abs(total - sum(e.amount for e in entries_billed)) <= 0.01 * len(lines)
	assert made.invoices == len(invoices) and 0 < made.submitted <= made.invoices
	days: dict = {}
	for e in entries:
		days[e.user, e.date] = days.get((e.user, e.date), 0) + e.hours
	assert max(days.values()) <= DAY_HOURS


def test_demo_service_plans_have_a_history_made_by_the_daily_job(site):
	from customer_lifecycle.demo.service import make_subscriptions
	from customer_lifecycle.demo.staff import make_staff

	names, staff = make_customers(30, seed=13), make_staff()
	subscriptions = make_subscriptions(names, staff, share=0.5, days=20, seed=3, commit=False)
	assert subscriptions
	rows = frappe.get_all(
		"Service Subscription",
		filters={"name": ("in", subscriptions)},
		fields=["name", "status", "next_visit_date", "customer", "assigned_to"],
	)
	assert {row.status for row in rows} == {"Active"} and all(row.next_visit_date for row in rows)
	# the demo's own customers and staff only
	assert {row.customer for row in rows} <= set(names) and {row.assigned_to for row in rows} <= set(staff)
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
