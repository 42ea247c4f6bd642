"""The customer form's Contacts & Addresses tab: Frappe's contact and address cards, the key marker."""

import frappe
import pytest
from playwright.sync_api import expect

from tests.browser.forms import show_tab

pytestmark = pytest.mark.browser


@pytest.fixture
def customer_with_access_address(site):
	customer = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": "Constance Tabb",
			"email": "constance.tabb@example.org",
			"address_line1": "4 Billing Way",
			"city": "Derby",
		}
	).insert()
	frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": "Tenanted flat",
			"address_type": "Other",
			"address_line1": "12 Rental Road",
			"city": "Derby",
			"country": "United Kingdom",
			"is_site_address": 1,
			"access_contact_name": "Tom Tenant",
			"access_contact_relationship": "Tenant",
			"access_contact_phone": "+447700900123",
			"links": [{"link_doctype": "Customer", "link_name": customer.name}],
		}
	).insert()
	frappe.db.commit()
	yield customer
	frappe.delete_doc("Customer", customer.name, force=True)
	frappe.db.commit()


def test_contacts_tab_lists_contacts_and_marks_access_contacts(
	login, customer_with_access_address, artifacts
):
	customer = customer_with_access_address
	page = login("user")
	page.goto(f"/app/customer/{customer.name}")
	contacts = page.locator('[data-fieldname="contact_html"]')
	show_tab(page, "Contacts & Addresses", contacts.get_by_role("button", name="New Contact"))

	expect(contacts).to_contain_text("Constance Tabb")
	expect(contacts).to_contain_text("constance.tabb@example.org")

	addresses = page.locator('[data-fieldname="address_html"]')
	expect(addresses.locator(".address-box")).to_have_count(2)
	tenanted = addresses.locator(".address-box", has_text="12 Rental Road")
	expect(tenanted).to_contain_text("Site Address")
	marker = tenanted.locator(".cl-access-contact")
	expect(marker).to_have_attribute("title", "Access contact: Tom Tenant · Tenant · +447700900123")
	billing = addresses.locator(".address-box", has_text="4 Billing Way")
	expect(billing.locator(".cl-access-contact")).to_have_count(0)
	expect(page.locator('[data-fieldname="billing_address"] input')).to_have_value(customer.billing_address)
	page.screenshot(path=f"{artifacts}/customer-contacts-tab.png", full_page=True)
