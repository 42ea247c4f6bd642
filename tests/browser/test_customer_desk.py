"""A person in the desk: creates a customer with the two-step dialog, then moves it through the lifecycle."""

import os

import frappe
import pytest
from playwright.sync_api import expect

from tests.browser.pages import CustomerForm, CustomerList
from tests.factories import committed_customers, delete_customers_named, unique, unique_email

pytestmark = pytest.mark.browser


@pytest.fixture
def no_beatrix(site):
	"""No customer named Beatrix Kiddo before or after: the dialog would offer a crashed run's as a
	duplicate of the one the test creates."""
	delete_customers_named("Beatrix Kiddo%")
	yield
	frappe.db.rollback()
	delete_customers_named("Beatrix Kiddo%")


def test_create_customer_and_start_onboarding(login, intake_field, no_beatrix, artifacts):
	customers = CustomerList(login("manager")).open()

	# step 1: the basics
	dialog = customers.new_customer()
	expect(dialog.title).to_have_text("New Customer")
	dialog.field("customer_name").fill("Beatrix Kiddo")
	email = unique_email("beatrix.kiddo")
	dialog.field("email").fill(f"  {email.title()} ")  # trimmed and lower-cased when saved
	expect(dialog.field("referral_source")).to_be_hidden()
	dialog.button("Next").click()

	# step 2: the admin's intake fields, which may be skipped
	expect(dialog.title).to_contain_text("intake")
	dialog.field("referral_source").fill("Conference")
	dialog.button("Create").click()

	form = CustomerForm(customers.page)
	name = form.wait_until_saved()
	expect(form.state).to_have_text("Prospect")

	# apply the onboarding action from the Actions menu, with a reason
	form.apply_action("Start Onboarding", reason="Signed the engagement letter")
	expect(form.state).to_have_text("Onboarding")
	expect(form.page.get_by_text("Lifecycle moved from Prospect to Onboarding")).to_be_visible()
	form.page.screenshot(path=os.path.join(artifacts, "customer-onboarding.png"), full_page=True)

	frappe.db.rollback()
	saved = frappe.db.get_value(
		"Customer", name, ["customer_name", "email", "referral_source", "lifecycle_status"], as_dict=True
	)
	assert saved == {
		"customer_name": "Beatrix Kiddo",
		"email": email,
		"referral_source": "Conference",
		"lifecycle_status": "Onboarding",
	}
	change = frappe.db.get_value(
		"Customer Lifecycle Change", {"customer": name}, ["to_state", "reason", "changed_by"], as_dict=True
	)
	assert change == {
		"to_state": "Onboarding",
		"reason": "Signed the engagement letter",
		"changed_by": "cl.manager@example.com",
	}


def test_customer_user_is_not_offered_manager_actions(login, site):
	with committed_customers() as make:
		customer = make(customer_name=unique("Vernita Green"))
		form = CustomerForm(login("user")).open(customer.name)
		form.open_actions()
		expect(form.menu_item("Start Onboarding")).to_be_visible()
		expect(form.menu_item("Anonymize")).to_have_count(0)
		expect(form.menu_item("Activate")).to_have_count(0)
