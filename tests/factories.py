"""Named makers of test records and files, imported by every suite that needs them (the fixtures in
tests/conftest.py wrap the ones a test asks for by name). Each maker writes through the app's own
controllers and API, as a user would; nothing here commits unless it says so."""

import copy
import io
import uuid
from contextlib import contextmanager
from functools import cache

import frappe
from frappe.utils import add_days, nowdate

from tests.helpers import PASSWORD

WORKFLOW = "Customer Lifecycle"


# --- files -------------------------------------------------------------------------------------


def pdf_bytes(text: str) -> bytes:
	"""A real one-page PDF whose document title is `text` (so that two calls with different text
	give different files: Frappe stores equal contents once)."""
	from pypdf import PdfWriter

	writer = PdfWriter()
	writer.add_blank_page(width=200, height=200)
	writer.add_metadata({"/Title": text})
	out = io.BytesIO()
	writer.write(out)
	return out.getvalue()


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


def delete_customer(name: str) -> None:
	"""Delete a committed test customer (its checklists go with it) and its lifecycle log, which
	would otherwise reappear on the next customer given the same number."""
	frappe.delete_doc("Customer", name, force=True)
	frappe.db.delete("Customer Lifecycle Change", {"customer": name})
	frappe.db.commit()


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


# --- the portal --------------------------------------------------------------------------------


def make_portal_customer(label: str = "portal") -> frappe._dict:
	"""A customer whose primary contact has a portal login (password PASSWORD), with records of every
	kind the portal shows (customer_lifecycle.demo.portal_customer)."""
	from customer_lifecycle.demo import portal_customer

	tag = uuid.uuid4().hex[:8]
	return portal_customer.make(f"{label.title()} Client {tag}", f"{label}.{tag}@example.com", PASSWORD)


def make_portal_world() -> frappe._dict:
	"""Two portal customers ("mine" and "theirs"), each with a document its portal user uploaded,
	committed so that a served site sees them."""
	from customer_lifecycle.portal import writes
	from tests.helpers import as_user

	frappe.set_user("Administrator")
	mine = make_portal_customer("mine")
	theirs = make_portal_customer("theirs")
	for who in (mine, theirs):
		# contents differ: Frappe stores equal contents once, under the first upload's URL
		who.file_content = pdf_bytes(f"proof of {who.customer_name}")
		with as_user(who.user):
			writes.upload_document(
				who.name, who.provided_item, f"proof-{uuid.uuid4().hex[:6]}.pdf", who.file_content
			)
		who.file_url = frappe.db.get_value("Onboarding Checklist Item", who.provided_item, "attachment")
	frappe.db.commit()
	return frappe._dict(mine=mine, theirs=theirs)


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
