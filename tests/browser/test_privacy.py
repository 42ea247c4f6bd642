"""A Customer Manager in the desk: Anonymize asks for the customer's name; deleting a billed
customer offers Archive instead."""

import os

import frappe
import pytest
from playwright.sync_api import expect

from customer_lifecycle.privacy import records
from tests.browser.pages import CustomerForm
from tests.factories import committed_customers, make_active_customer, unique

pytestmark = pytest.mark.browser


@pytest.fixture
def prospect(site):
	with committed_customers() as make:
		yield make(customer_name=unique("Elle Driver"), customer_type="Individual")


def test_anonymize_from_the_actions_menu_asks_for_the_name(login, prospect, artifacts):
	form = CustomerForm(login("manager")).open(prospect.name)
	form.run_action("Anonymize")

	confirm = form.dialog()
	expect(confirm.root).to_contain_text("cannot be undone")
	confirm.field("confirm_name").fill("Someone Else")
	confirm.button("Anonymize").click()
	expect(form.message).to_contain_text("type the customer's name")
	form.dialog().close()  # the message; the name dialog stays open
	frappe.db.rollback()
	assert frappe.db.get_value("Customer", prospect.name, "email") == prospect.email

	confirm = form.dialog()
	confirm.field("confirm_name").fill(prospect.customer_name)
	form.page.screenshot(path=os.path.join(artifacts, "customer-anonymize-dialog.png"), full_page=True)
	confirm.button("Anonymize").click()

	expect(form.state).to_have_text("Anonymized")
	expect(form.title).to_have_text(records.anonymous_name(prospect.name))
	form.page.screenshot(path=os.path.join(artifacts, "customer-anonymized.png"), full_page=True)
	frappe.db.rollback()
	saved = frappe.db.get_value(
		"Customer", prospect.name, ["customer_name", "email", "lifecycle_status"], as_dict=True
	)
	assert saved == {
		"customer_name": records.anonymous_name(prospect.name),
		"email": None,
		"lifecycle_status": "Anonymized",
	}


@pytest.fixture
def billed_customer(site):
	"""An active customer with an engagement, which the app keeps: it cannot be deleted."""
	with committed_customers(make_active_customer) as make:
		customer = make(customer_name=unique("Vernita Green"))
		frappe.get_doc({"doctype": "Engagement", "customer": customer.name, "title": "Audit"}).insert()
		frappe.db.commit()
		yield customer


def test_deleting_a_billed_customer_offers_archive(login, billed_customer, artifacts):
	form = CustomerForm(login("manager")).open(billed_customer.name)
	form.choose_from_page_menu("Delete")
	form.dialog().button("Yes").click()

	expect(form.message).to_contain_text("1 Engagement")
	form.page.screenshot(path=os.path.join(artifacts, "customer-delete-refused.png"), full_page=True)
	form.dialog().button("Archive").click()
	expect(form.button("Restore")).to_be_visible()
	frappe.db.rollback()
	assert frappe.db.get_value("Customer", billed_customer.name, "archived") == 1
