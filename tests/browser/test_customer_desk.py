"""A person in the desk: creates a customer with the two-step dialog, then moves it through the lifecycle."""

import os
import re
import uuid

import frappe
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def intake_field(site):
	"""An admin's intake field, added to the Intake section with Customize Form (a Custom Field)."""
	name = "Customer-referral_source"
	if not frappe.db.exists("Custom Field", name):
		frappe.get_doc(
			{
				"doctype": "Custom Field",
				"dt": "Customer",
				"fieldname": "referral_source",
				"label": "Referral Source",
				"fieldtype": "Data",
				"insert_after": "intake_section",
			}
		).insert()
		frappe.db.commit()
	frappe.clear_cache(doctype="Customer")
	yield "referral_source"


def dialog(page):
	return page.locator(".modal.show").last


def test_create_customer_and_start_onboarding(login, intake_field, artifacts):
	page = login("manager")
	page.goto("/app/customer")
	page.get_by_role("button", name="Add Customer").click()

	# step 1: the basics
	modal = dialog(page)
	expect(modal.locator(".modal-title")).to_have_text("New Customer")
	modal.locator('input[data-fieldname="customer_name"]').fill("Beatrix Kiddo")
	# a new address each run: the test site keeps what the browser tests commit
	tag = uuid.uuid4().hex[:6]
	modal.locator('input[data-fieldname="email"]').fill(f"  Beatrix.Kiddo.{tag}@Example.com ")
	expect(modal.locator('input[data-fieldname="referral_source"]')).to_be_hidden()
	modal.get_by_role("button", name="Next").click()

	# step 2: the admin's intake fields, which may be skipped
	expect(modal.locator(".modal-title")).to_contain_text("intake")
	modal.locator('input[data-fieldname="referral_source"]').fill("Conference")
	modal.get_by_role("button", name="Create").click()

	page.wait_for_url(re.compile(r".*/app/customer/CUST-\d{4}-\d{5}$"))
	name = page.url.rsplit("/", 1)[1]
	expect(page.locator(".page-head .indicator-pill:visible").first).to_have_text("Prospect")

	# apply the onboarding action from the Actions menu, with a reason
	page.get_by_role("button", name="Actions").click()
	page.locator(".dropdown-menu.show").get_by_text("Start Onboarding", exact=True).click()
	reason = dialog(page)
	reason.locator('textarea[data-fieldname="reason"]').fill("Signed the engagement letter")
	reason.get_by_role("button", name="Start Onboarding").click()

	expect(page.locator(".page-head .indicator-pill:visible").first).to_have_text("Onboarding")
	expect(page.get_by_text("Lifecycle moved from Prospect to Onboarding")).to_be_visible()
	page.screenshot(path=os.path.join(artifacts, "customer-onboarding.png"), full_page=True)

	frappe.db.rollback()
	saved = frappe.db.get_value(
		"Customer", name, ["customer_name", "email", "referral_source", "lifecycle_status"], as_dict=True
	)
	assert saved == {
		"customer_name": "Beatrix Kiddo",
		"email": f"beatrix.kiddo.{tag}@example.com",
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
	# the next run's Beatrix must not meet this one in the duplicate check
	frappe.delete_doc("Customer", name, force=True)
	frappe.db.commit()


def test_customer_user_is_not_offered_manager_actions(login, site):
	customer = frappe.get_doc({"doctype": "Customer", "customer_name": "Vernita Green"}).insert()
	frappe.db.commit()
	page = login("user")
	page.goto(f"/app/customer/{customer.name}")
	page.get_by_role("button", name="Actions").click()
	menu = page.locator(".dropdown-menu.show")
	expect(menu.get_by_text("Start Onboarding", exact=True)).to_be_visible()
	expect(menu.get_by_text("Anonymize", exact=True)).to_have_count(0)
	expect(menu.get_by_text("Activate", exact=True)).to_have_count(0)
