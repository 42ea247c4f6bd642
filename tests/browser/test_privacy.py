"""A Customer Manager in the desk: Anonymize asks for the customer's name; deleting a billed
customer offers Archive instead."""

import os

import frappe
import pytest
from playwright.sync_api import expect

from customer_lifecycle.api.lifecycle import apply_action
from customer_lifecycle.privacy import records

pytestmark = pytest.mark.browser


def dialog(page):
	return page.locator(".modal.show").last


@pytest.fixture
def prospect(make_customer):
	customer = make_customer(customer_name="Elle Driver", customer_type="Individual")
	frappe.db.commit()
	return customer


def test_anonymize_from_the_actions_menu_asks_for_the_name(login, prospect, artifacts):
	page = login("manager")
	page.goto(f"/app/customer/{prospect.name}")
	page.get_by_role("button", name="Actions").click()
	page.locator(".dropdown-menu.show").get_by_text("Anonymize", exact=True).click()

	confirm = dialog(page)
	expect(confirm).to_contain_text("cannot be undone")
	confirm.locator('input[data-fieldname="confirm_name"]').fill("Someone Else")
	confirm.get_by_role("button", name="Anonymize").click()
	expect(page.locator(".msgprint").last).to_contain_text("type the customer's name")
	dialog(page).locator(".btn-modal-close").click()  # the message; the name dialog stays open
	frappe.db.rollback()
	assert frappe.db.get_value("Customer", prospect.name, "email") == prospect.email

	confirm = dialog(page)
	confirm.locator('input[data-fieldname="confirm_name"]').fill("Elle Driver")
	page.screenshot(path=os.path.join(artifacts, "customer-anonymize-dialog.png"), full_page=True)
	confirm.get_by_role("button", name="Anonymize").click()

	expect(page.locator(".page-head .indicator-pill:visible").first).to_have_text("Anonymized")
	expect(page.locator(".page-title .title-text")).to_have_text(records.anonymous_name(prospect.name))
	page.screenshot(path=os.path.join(artifacts, "customer-anonymized.png"), full_page=True)
	frappe.db.rollback()
	saved = frappe.db.get_value(
		"Customer", prospect.name, ["customer_name", "email", "lifecycle_status"], as_dict=True
	)
	assert saved == {
		"customer_name": records.anonymous_name(prospect.name),
		"email": None,
		"lifecycle_status": "Anonymized",
	}


def test_deleting_a_billed_customer_offers_archive(login, make_customer, artifacts):
	customer = make_customer(customer_name="Vernita Green")
	apply_action(customer.name, "Start Onboarding")
	apply_action(customer.name, "Activate")
	frappe.get_doc({"doctype": "Engagement", "customer": customer.name, "title": "Audit"}).insert()
	frappe.db.commit()

	page = login("manager")
	page.goto(f"/app/customer/{customer.name}")
	page.locator(".menu-btn-group button").click()
	page.locator(".dropdown-menu.show").get_by_text("Delete", exact=True).click()
	dialog(page).get_by_role("button", name="Yes").click()

	message = page.locator(".msgprint").last
	expect(message).to_contain_text("1 Engagement")
	page.screenshot(path=os.path.join(artifacts, "customer-delete-refused.png"), full_page=True)
	dialog(page).get_by_role("button", name="Archive").click()
	expect(page.get_by_role("button", name="Restore")).to_be_visible()
	frappe.db.rollback()
	assert frappe.db.get_value("Customer", customer.name, "archived") == 1
