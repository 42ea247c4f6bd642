"""Named makers of test records and files, imported by every suite that needs them (the fixtures in
tests/conftest.py wrap the ones a test asks for by name). Each maker writes through the app's own
controllers and API, as a user would; nothing here commits unless it says so."""

import copy
import time
import uuid
from contextlib import contextmanager
from functools import cache

import frappe
from frappe.utils import add_days, nowdate

from tests.helpers import PASSWORD

WORKFLOW = "Customer Lifecycle"


# --- files -------------------------------------------------------------------------------------


def pdf_bytes(text: str) -> bytes:
	"""A real one-page PDF whose document title is `text` (the demo's, which uploads documents too)."""
	from customer_lifecycle.demo.requests import pdf_bytes as demo_pdf

	return demo_pdf(text)


# what a damaged PDF looks like: the header, then nothing a reader can use
BROKEN_PDF = b"%PDF-1.4 this file was cut short"


# --- customers and their lifecycle ------------------------------------------------------------


@cache
def fake():
	from faker import Faker

	from customer_lifecycle.demo.customers import FakeCustomers

	names = Faker("en_GB")
	names.seed_instance(2026)
	return names, FakeCustomers(seed=7, region="GB")


def make_customer(**fields):
	"""A saved Customer with Faker data; keyword arguments override fields. The email is unique
	across runs too: customers committed by HTTP tests stay on the site."""
	names, phones = fake()
	data = {
		"doctype": "Customer",
		"customer_name": names.name(),
		"email": f"{uuid.uuid4().hex[:8]}.{names.unique.email()}",
		"phone": phones.phone(),
	}
	data.update(fields)
	return frappe.get_doc(data).insert()


def make_active_customer(**fields):
	"""A customer moved through onboarding to the active state, by lifecycle actions."""
	from customer_lifecycle.lifecycle.engine import apply_action, get_settings

	customer = make_customer(**fields)
	apply_action(customer.name, "Start Onboarding")
	apply_action(customer.name, "Activate")
	assert customer_state(customer.name) == get_settings().active_state
	return customer


def unique(text: str) -> str:
	"""`text` with a tag no earlier run has used: what a test commits stays on the site when the run
	crashes before its clean-up, and a fixed name or email would meet it in the next run."""
	return f"{text} {uuid.uuid4().hex[:6]}"


def unique_email(local: str) -> str:
	return f"{local}.{uuid.uuid4().hex[:6]}@example.org"


def delete_customer(name: str, attempts: int = 10) -> None:
	"""Delete a committed test customer with what belongs to it, and commit (the benchmarks' own).
	A background job the test started (an invite's welcome mail and contact, a receipt) may still
	hold one of its rows: Frappe's delete refuses at once then (QueryTimeoutError), so it is tried
	again once that job has had a second, as a person would."""
	from customer_lifecycle.benchmarks.cleanup import delete_customer as delete

	for attempt in range(attempts):
		try:
			delete(name)
			return
		except frappe.QueryTimeoutError:
			frappe.db.rollback()
			if attempt == attempts - 1:
				raise
			time.sleep(1)


def delete_customers_named(pattern: str) -> None:
	"""Delete (delete_customer) every customer whose name is like `pattern`: before a test that
	creates customers of a fixed name through the desk, what a crashed run left of them."""
	for name in frappe.get_all("Customer", filters={"customer_name": ("like", pattern)}, pluck="name"):
		delete_customer(name)


@contextmanager
def committed_customers(maker=make_customer):
	"""Yield make(**fields) -> a customer made by `maker` (make_customer, make_active_customer)
	and committed, so that a served site sees it. Each one made is deleted (delete_customer) when
	the block ends, however it ends."""
	made = []

	def make(**fields):
		customer = maker(**fields)
		frappe.db.commit()
		made.append(customer.name)
		return customer

	try:
		yield make
	finally:
		frappe.db.rollback()
		frappe.set_user("Administrator")
		for name in made:
			delete_customer(name)


def customer_state(customer: str) -> str:
	return frappe.db.get_value("Customer", customer, "lifecycle_status")


def lifecycle_changes(customer: str) -> list[dict]:
	"""A customer's lifecycle changes, oldest first."""
	return frappe.get_all(
		"Customer Lifecycle Change",
		filters={"customer": customer},
		fields=[
			"from_state",
			"to_state",
			"action",
			"reason",
			"automatic",
			"changed_by",
			"seconds_in_from_state",
		],
		order_by="changed_on asc, creation asc",
	)


@contextmanager
def edited_workflow():
	"""Yield the lifecycle Workflow to change as an admin would; put it back afterwards."""
	doc = frappe.get_doc("Workflow", WORKFLOW)
	original = copy.deepcopy(doc.as_dict())
	try:
		yield doc
	finally:
		restored = frappe.get_doc("Workflow", WORKFLOW)
		restored.set(
			"states", [{k: v for k, v in s.items() if k not in ("name",)} for s in original["states"]]
		)
		restored.set(
			"transitions",
			[{k: v for k, v in t.items() if k not in ("name",)} for t in original["transitions"]],
		)
		restored.save()


# --- billing -----------------------------------------------------------------------------------


def make_invoice(customer: str, items=((1, 100),), submit=True, days_ago=0, due_in=30, **fields):
	"""A Customer Invoice of (qty, rate) lines, posted `days_ago`, due `due_in` days after."""
	posting = add_days(nowdate(), -days_ago)
	invoice = frappe.get_doc(
		{
			"doctype": "Customer Invoice",
			"customer": customer,
			"posting_date": posting,
			"due_date": add_days(posting, due_in),
			"items": [
				{"description": f"Work {i}", "qty": qty, "rate": rate} for i, (qty, rate) in enumerate(items)
			],
			**fields,
		}
	).insert()
	if submit:
		invoice.submit()
	return invoice


def make_payment(customer: str, amount, allocations=None, submit=True, **fields):
	"""A Customer Payment, allocated oldest first or to the (invoice, amount) pairs given."""
	payment = frappe.get_doc(
		{
			"doctype": "Customer Payment",
			"customer": customer,
			"amount": amount,
			"method": "Bank Transfer",
			"allocate_oldest_first": 0 if allocations is not None else 1,
			"allocations": [{"invoice": i, "allocated_amount": a} for i, a in (allocations or [])],
			**fields,
		}
	).insert()
	if submit:
		payment.submit()
	return payment


# --- information requests ----------------------------------------------------------------------

REQUEST_ITEMS = (("Bank statements for the year", "Document"), ("Your tax reference number", "Question"))


def make_request(customer: str, items=REQUEST_ITEMS, sent=False, due_in=14, **fields):
	"""An Information Request to the customer's primary contact, of (title, kind[, required]) items
	(required unless said), due in `due_in` days; with `sent`, recorded as sent the way sending
	does it, without the email (requests.send, with an outgoing account, emails it)."""
	from customer_lifecycle.onboarding import requests

	doc = frappe.get_doc(
		{
			"doctype": "Information Request",
			"customer": customer,
			"title": f"Year-end pack {uuid.uuid4().hex[:4]}",
			"due_date": add_days(nowdate(), due_in),
			"items": [{"title": i[0], "kind": i[1], "required": i[2] if len(i) > 2 else 1} for i in items],
			**fields,
		}
	).insert()
	if sent:
		requests.mark_sent(doc)
	return doc


def request_items(request: str) -> dict:
	"""A request's items by title: {title: row}, read afresh."""
	return {row.title: row for row in frappe.get_doc("Information Request", request).items}


# --- engagements and time ----------------------------------------------------------------------


def make_engagement(customer: str, **fields):
	"""An Engagement of the customer (which must be billable)."""
	return frappe.get_doc(
		{"doctype": "Engagement", "customer": customer, "title": f"Work {uuid.uuid4().hex[:6]}", **fields}
	).insert()


def make_activity(default_rate=0, name: str | None = None, **fields) -> str:
	"""A Billing Activity (its name is the item code of Customer Rates for it); its name."""
	return (
		frappe.get_doc(
			{
				"doctype": "Billing Activity",
				"activity_name": name or f"Activity {uuid.uuid4().hex[:6]}",
				"default_rate": default_rate,
				**fields,
			}
		)
		.insert()
		.name
	)


def make_staff_rate(user: str, billing_rate=0, cost_rate=0):
	"""The user's Staff Rate, made or changed."""
	if frappe.db.exists("Staff Rate", user):
		doc = frappe.get_doc("Staff Rate", user)
		doc.update({"billing_rate": billing_rate, "cost_rate": cost_rate})
		return doc.save()
	return frappe.get_doc(
		{"doctype": "Staff Rate", "user": user, "billing_rate": billing_rate, "cost_rate": cost_rate}
	).insert()


def make_time_entry(engagement: str, hours=1, activity: str | None = None, **fields):
	"""A Time Entry on the engagement, of today by the session user unless given; without an activity,
	one of its own at a default rate of 100."""
	return frappe.get_doc(
		{
			"doctype": "Time Entry",
			"engagement": engagement,
			"activity": activity or make_activity(default_rate=100),
			"hours": hours,
			**fields,
		}
	).insert()


# --- the portal --------------------------------------------------------------------------------


def make_portal_customer(label: str = "portal") -> frappe._dict:
	"""A customer whose primary contact has a portal login (password PASSWORD), with records of every
	kind the portal shows (customer_lifecycle.demo.portal_customer)."""
	from customer_lifecycle.demo import portal_customer

	tag = uuid.uuid4().hex[:8]
	return portal_customer.make(f"{label.title()} Client {tag}", f"{label}.{tag}@example.com", PASSWORD)


def make_portal_world() -> frappe._dict:
	"""Two portal customers ("mine" and "theirs"), each with a document its portal user uploaded for
	its onboarding item and one for its information request, committed so that a served site sees
	them."""
	frappe.set_user("Administrator")
	mine = make_portal_customer("mine")
	theirs = make_portal_customer("theirs")
	for who in (mine, theirs):
		upload_as_portal_user(who)
	frappe.db.commit()
	return frappe._dict(mine=mine, theirs=theirs)


def upload_as_portal_user(who: frappe._dict) -> None:
	"""The portal customer's user uploads a document for its first onboarding item to provide
	(who.file_content, who.file_url) and one for its information request's document item
	(who.request_file_content, who.request_file_url)."""
	from customer_lifecycle.portal import writes
	from tests.helpers import as_user

	# contents differ: Frappe stores equal contents once, under the first upload's URL
	who.file_content = pdf_bytes(f"proof of {who.customer_name}")
	who.request_file_content = pdf_bytes(f"statements of {who.customer_name}")
	with as_user(who.user):
		writes.upload_document(
			who.name, who.provided_item, f"proof-{uuid.uuid4().hex[:6]}.pdf", who.file_content
		)
		writes.upload_document(
			who.name,
			who.request_document,
			f"statements-{uuid.uuid4().hex[:6]}.pdf",
			who.request_file_content,
		)
	who.file_url = frappe.db.get_value("Onboarding Checklist Item", who.provided_item, "attachment")
	who.request_file_url = frappe.db.get_value("Information Request Item", who.request_document, "attachment")


def make_portal_customer_in_every_state() -> frappe._dict:
	"""A portal customer whose pages show everything they can: a document uploaded for one item and
	another item overdue (who.overdue_item), a pinned note, and a second customer its person belongs
	to (who.other_customer), so the header offers a switch; committed."""
	frappe.set_user("Administrator")
	who = make_portal_customer("showcase")
	upload_as_portal_user(who)
	who.overdue_item = frappe.get_all(
		"Onboarding Checklist Item",
		filters={"parent": who.checklist, "customer_provides": 1, "name": ("!=", who.provided_item)},
		pluck="name",
	)[0]
	frappe.db.set_value("Onboarding Checklist Item", who.overdue_item, "due_date", add_days(nowdate(), -3))
	frappe.db.set_value("Customer Note", who.visible_note, "pinned", 1)
	who.other_customer = make_customer(customer_name=f"{who.customer_name} Holdings").name
	contact = frappe.get_doc("Contact", who.contact)
	contact.append("links", {"link_doctype": "Customer", "link_name": who.other_customer})
	contact.save()
	frappe.db.commit()
	return who


# --- service plans ------------------------------------------------------------------------------


def make_service_plan(frequency: str = "Monthly", visits: int = 1, price=120, **fields):
	"""A Service Plan (a unique name), priced in the firm's currency."""
	return frappe.get_doc(
		{
			"doctype": "Service Plan",
			"plan_name": f"{frequency} Care {uuid.uuid4().hex[:6]}",
			"frequency": frequency,
			"visits_per_period": visits,
			"price": price,
			**fields,
		}
	).insert()


def make_site_address(customer: str, site: bool = True, **fields):
	"""An Address of the customer, marked as a site address, with an access contact."""
	names, _phones = fake()
	return frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": f"Site {uuid.uuid4().hex[:6]}",
			"address_type": "Other",
			"address_line1": names.street_address(),
			"city": names.city(),
			"pincode": names.postcode(),
			"country": frappe.get_system_settings("country") or "United Kingdom",
			"is_site_address": 1 if site else 0,
			"access_contact_name": names.name(),
			"access_contact_phone": "+44 7700 900123",
			"access_contact_relationship": "Tenant",
			"access_notes": "Key safe by the back door",
			"links": [{"link_doctype": "Customer", "link_name": customer}],
			**fields,
		}
	).insert()


def make_subscription(customer: str, plan: str | None = None, address: str | None = None, **fields):
	"""A Service Subscription of the customer (a monthly plan and a site address made when not given),
	its visits made by the Customer Manager persona unless `assigned_to` says otherwise."""
	from tests.helpers import PERSONAS

	return frappe.get_doc(
		{
			"doctype": "Service Subscription",
			"customer": customer,
			"plan": plan or make_service_plan().name,
			"site_address": address or make_site_address(customer).name,
			"assigned_to": PERSONAS["manager"][0],
			**fields,
		}
	).insert()


def visits_of(subscription: str, status: str | None = None) -> list[frappe._dict]:
	"""A subscription's visits (Events), by date."""
	filters = {"reference_doctype": "Service Subscription", "reference_docname": subscription}
	if status:
		filters["status"] = status
	return frappe.get_all(
		"Event",
		filters=filters,
		fields=[
			"name",
			"starts_on",
			"status",
			"service_visit_date",
			"owner",
			"_assign",
			"description",
			"location",
		],
		order_by="starts_on asc",
	)
