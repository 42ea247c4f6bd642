"""The customer form's Contacts & Addresses tab: Frappe's contact and address cards, the key marker."""

import frappe
import pytest
from playwright.sync_api import expect

from tests.browser.pages import CustomerForm
from tests.factories import committed_customers, unique, unique_email

pytestmark = pytest.mark.browser


@pytest.fixture
def customer_with_access_address(site):
	with committed_customers() as make:
		customer = make(
			customer_name=unique("Constance Tabb"),
			email=unique_email("constance.tabb"),
			phone=None,
			address_line1="4 Billing Way",
			city="Derby",
		)
		frappe.get_doc(
			{
				"doctype": "Address",
				"address_title": unique("Tenanted flat"),
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


def test_contacts_tab_lists_contacts_and_marks_access_contacts(
	login, customer_with_access_address, artifacts
):
	customer = customer_with_access_address
	form = CustomerForm(login("user")).open(customer.name)
	tab = form.contacts_tab
	tab.show()

	expect(tab.contacts).to_contain_text(customer.customer_name)
	expect(tab.contacts).to_contain_text(customer.email)

	expect(tab.address_boxes).to_have_count(2)
	tenanted = tab.address("12 Rental Road")
	expect(tenanted).to_contain_text("Site Address")
	expect(tab.access_contact(tenanted)).to_have_attribute(
		"title", "Access contact: Tom Tenant · Tenant · +447700900123"
	)
	expect(tab.access_contact(tab.address("4 Billing Way"))).to_have_count(0)
	expect(form.field("billing_address")).to_have_value(customer.billing_address)
	form.page.screenshot(path=f"{artifacts}/customer-contacts-tab.png", full_page=True)
