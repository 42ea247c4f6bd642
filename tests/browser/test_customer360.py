"""The Customer 360 in the desk: the header on every tab, the favourite heart, and the task list."""

import json
import os

import frappe
import pytest
from playwright.sync_api import expect

from tests.browser.pages import CustomerForm, CustomerList
from tests.factories import committed_customers, unique, unique_email

pytestmark = pytest.mark.browser


@pytest.fixture
def customer(site):
	with committed_customers() as make:
		yield make(
			customer_name=unique("Harriet Vane"),
			customer_type="Individual",
			email=unique_email("harriet.vane"),
		)


def test_header_on_every_tab_and_a_task_done(login, customer, personas, artifacts):
	form = CustomerForm(login("user")).open(customer.name)
	header = form.header
	expect(header.name).to_have_text(customer.customer_name)
	expect(header.type).to_have_text("Individual")
	expect(header.lifecycle).to_have_text("Prospect")
	expect(header.button("Email")).to_be_visible()
	expect(header.figure("files")).to_have_text("0")
	expect(header.figure("open_tasks")).to_have_text("0")
	# billing figures of a customer with no invoices
	expect(header.figure("open_invoices")).to_have_text("0")
	expect(header.figure("open_engagements")).to_have_text("0")

	# the favourite heart is Frappe's like
	header.like()
	form.contacts_tab.show()
	expect(header.name).to_be_visible()

	form.notes_tab.show()
	expect(header.name).to_be_visible()
	form.notes_tab.add_task("Send the engagement letter")
	task = form.notes_tab.task("Send the engagement letter")
	expect(task.open_text).to_have_text("Send the engagement letter")
	expect(header.figure("open_tasks")).to_have_text("1")

	task.mark_done()
	expect(task.done_text).to_have_text("Send the engagement letter")
	expect(task.done_text).to_have_css("text-decoration-line", "line-through")
	expect(header.figure("open_tasks")).to_have_text("0")
	form.page.screenshot(path=os.path.join(artifacts, "customer-360.png"), full_page=True)

	frappe.db.rollback()
	assert frappe.get_all(
		"ToDo",
		filters={"reference_type": "Customer", "reference_name": customer.name},
		fields=["description", "status", "allocated_to"],
	) == [{"description": "Send the engagement letter", "status": "Closed", "allocated_to": personas["user"]}]
	assert personas["user"] in json.loads(frappe.db.get_value("Customer", customer.name, "_liked_by"))


@pytest.fixture
def two_customers(site):
	with committed_customers() as make:
		yield [
			make(customer_name=unique(name), customer_type="Company")
			for name in ("Pym's Publicity", "Wimsey Holdings")
		]


def test_my_favourites_filter_in_the_list(login, two_customers, artifacts):
	liked, other = two_customers
	page = login("user")
	CustomerForm(page).open(liked.name).header.like()

	customers = CustomerList(page).open("?customer_type=Company")
	expect(customers.row(other.customer_name)).to_be_visible()
	customers.my_favourites.click()
	expect(customers.row(liked.customer_name)).to_be_visible()
	expect(customers.row(other.customer_name)).to_have_count(0)
	page.screenshot(path=os.path.join(artifacts, "customer-360-favourites.png"), full_page=True)


@pytest.fixture
def flagged_customer_without_email(site):
	with committed_customers() as make:
		customer = make(customer_name=unique("Mervyn Bunter"), customer_type="Individual", email=None)
		frappe.get_doc(
			{
				"doctype": "Customer Flag",
				"customer": customer.name,
				"reason": "Owes for two quarters",
				"severity": "High",
			}
		).insert()
		frappe.db.commit()
		yield customer


def test_header_shows_the_flag_and_a_note_button_without_email(login, flagged_customer_without_email):
	customer = flagged_customer_without_email
	form = CustomerForm(login("user")).open(customer.name)
	expect(form.header.flag).to_contain_text("Owes for two quarters")
	expect(form.header.flag).to_have_class("indicator-pill red cl-360-flag")
	expect(form.header.button("Email")).to_have_count(0)
	form.header.button("Note", exact=True).click()
	expect(form.dialog().title).to_have_text(f"New Note for {customer.customer_name}")
