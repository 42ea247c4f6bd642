"""A person in the desk meets "Customer already exists", and merges two customers."""

import os
import uuid

import frappe
import pytest
from playwright.sync_api import expect

from customer_lifecycle.demo.customers import FakeCustomers
from tests.browser.pages import CustomerForm, CustomerList, DuplicatesDialog
from tests.factories import committed_customers, delete_customers_named, unique_email

pytestmark = pytest.mark.browser

# every customer of these tests has it in its name, those the tests make through the desk too
MARK = "Browserdup"


@pytest.fixture
def committed(site):
	"""committed(**fields) -> a Customer the served site sees. Every customer named with MARK is
	deleted before (what a crashed run left would be a duplicate of this run's) and after."""
	delete_customers_named(f"%{MARK}%")
	with committed_customers() as make:
		yield lambda **fields: make(**{"email": None, "phone": None, **fields})
	delete_customers_named(f"%{MARK}%")


def marked(first: str) -> str:
	# the tag joined to the surname: no other customer shares that word with it
	return f"{first} {MARK}{uuid.uuid4().hex[:6]}"


def phone():
	return FakeCustomers(seed=uuid.uuid4().int, region="GB").phone()


def test_exact_duplicate_is_stopped_in_the_new_customer_dialog(login, committed, artifacts):
	existing = committed(customer_name=marked("Ingrid"), email=unique_email("ingrid"))
	customers = CustomerList(login("user")).open()
	dialog = customers.new_customer()
	expect(dialog.title).to_have_text("New Customer")
	dialog.field("customer_name").fill(f"Someone {MARK}")
	dialog.field("email").fill(existing.email.upper())
	dialog.create()

	warning = customers.dialog(DuplicatesDialog)
	expect(warning.title).to_have_text("Customer already exists")
	row = warning.candidates
	expect(row).to_have_count(1)
	expect(row).to_contain_text(existing.customer_name)
	expect(row).to_contain_text(f"same Email {existing.email}")
	expect(row).to_contain_text("Exact match")
	# a Customer User cannot create it anyway
	expect(warning.button("Create anyway")).to_have_count(0)
	customers.page.screenshot(path=os.path.join(artifacts, "duplicate-warning-quick-entry.png"))

	row.get_by_role("link", name=existing.customer_name).click()
	customers.page.wait_for_url(f"**/app/customer/{existing.name}")
	frappe.db.rollback()
	assert frappe.db.count("Customer", {"customer_name": f"Someone {MARK}"}) == 0


def test_full_form_warns_of_a_similar_customer_and_saves_anyway(login, committed):
	number = phone()
	existing = committed(customer_name=marked("Gustav"), phone=number)
	form = CustomerForm(login("manager")).open_new()
	form.field("customer_name").fill(f"Gustav Different {MARK}")
	form.field("phone").fill(number)
	form.save()

	warning = form.dialog(DuplicatesDialog)
	expect(warning.title).to_have_text("Customer already exists")
	expect(warning.candidates).to_contain_text(f"same Phone {number}")
	warning.button("Create anyway").click()

	name = form.wait_until_saved()
	assert name != existing.name
	frappe.db.rollback()
	assert frappe.db.get_value("Customer", name, ["phone", "allow_duplicate"]) == (number, 0)


def test_manager_merges_a_likely_duplicate_into_this_customer(login, committed, artifacts):
	number = phone()
	survivor = committed(customer_name=marked("Hedda"), phone=number)
	duplicate = committed(customer_name=marked("Hedda"), phone=number, notes="the duplicate")
	form = CustomerForm(login("manager")).open(survivor.name)
	form.button("Merge").click()

	dialog = form.dialog(DuplicatesDialog)
	expect(dialog.title).to_contain_text("Merge")
	expect(dialog.candidate(duplicate.name)).to_contain_text(f"same Phone {number}")
	dialog.choose(duplicate.name)
	# the link field shows the chosen customer's title
	expect(dialog.field("other")).to_have_value(duplicate.customer_name)
	expect(dialog.root).to_contain_text(f"{duplicate.name} is deleted")
	form.page.screenshot(path=os.path.join(artifacts, "merge-dialog.png"))
	dialog.button("Merge").click()

	# Frappe's rename-with-merge clears the whole site cache: the merge can take seconds
	expect(form.page.get_by_text(f"{duplicate.name} merged into {survivor.name}")).to_be_visible(
		timeout=90_000
	)
	form.page.reload()
	expect(form.timeline_entry(f"merged {duplicate.name}")).to_be_visible()
	frappe.db.rollback()
	assert not frappe.db.exists("Customer", duplicate.name)
	assert frappe.db.get_value("Customer", survivor.name, "lifecycle_status") == "Prospect"


def test_customer_user_is_not_offered_merge(login, committed):
	customer = committed(customer_name=marked("Ulla"))
	form = CustomerForm(login("user")).open(customer.name)
	expect(form.head_button("Archive")).to_be_visible()
	expect(form.button("Merge")).to_have_count(0)
