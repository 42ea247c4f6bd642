"""The Customer 360 in the desk: the header on every tab, the favourite heart, and the task list."""

import json
import os

import frappe
import pytest
from playwright.sync_api import expect

from tests.browser.forms import until

pytestmark = pytest.mark.browser


@pytest.fixture
def customer(site, personas):
	doc = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": "Harriet Vane",
			"customer_type": "Individual",
			"email": "harriet.vane@example.org",
		}
	).insert()
	frappe.db.commit()
	yield doc
	frappe.db.rollback()
	# Frappe removes a deleted document's ToDos and comments in a background job: do it now
	frappe.db.delete("ToDo", {"reference_type": "Customer", "reference_name": doc.name})
	frappe.db.delete("Comment", {"reference_doctype": "Customer", "reference_name": doc.name})
	frappe.delete_doc("Customer", doc.name, force=True)
	frappe.db.commit()


def test_header_on_every_tab_and_a_task_done(login, customer, personas, artifacts):
	page = login("user")
	page.goto(f"/app/customer/{customer.name}")

	header = page.locator(".cl-360-header")
	expect(header.locator(".cl-360-name")).to_have_text("Harriet Vane")
	expect(header.locator(".cl-360-type")).to_have_text("Individual")
	expect(header.locator(".cl-360-lifecycle")).to_have_text("Prospect")
	expect(header.get_by_role("button", name="Email")).to_be_visible()
	expect(header.locator('.cl-360-count[data-key="files"] .cl-360-figure')).to_have_text("0")
	expect(header.locator('.cl-360-count[data-key="open_tasks"] .cl-360-figure')).to_have_text("0")
	# billing figures of a customer with no invoices
	expect(header.locator('.cl-360-count[data-key="open_invoices"] .cl-360-figure')).to_have_text("0")
	expect(header.locator('.cl-360-count[data-key="open_engagements"] .cl-360-figure')).to_have_text("0")

	# the favourite heart is Frappe's like
	header.locator(".cl-360-favourite").click()
	expect(header.locator(".cl-360-favourite")).to_have_class("cl-360-favourite like-action liked")
	page.get_by_role("tab", name="Contacts & Addresses").click()
	expect(header.locator(".cl-360-name")).to_be_visible()

	page.get_by_role("tab", name="Notes & Tasks").click()
	expect(header.locator(".cl-360-name")).to_be_visible()
	tasks = page.locator('[data-fieldname="tasks_html"]')
	tasks.get_by_placeholder("Add a task…").fill("Send the engagement letter")
	tasks.get_by_role("button", name="Add", exact=True).click()

	task = tasks.locator(".cl-task", has_text="Send the engagement letter")
	expect(task.locator("span.cl-task-text")).to_have_text("Send the engagement letter")
	expect(header.locator('.cl-360-count[data-key="open_tasks"] .cl-360-figure')).to_have_text("1")

	task.get_by_role("checkbox", name="Mark as done").check()
	expect(task.locator("s.cl-task-text")).to_have_text("Send the engagement letter")
	expect(task.locator("s.cl-task-text")).to_have_css("text-decoration-line", "line-through")
	expect(header.locator('.cl-360-count[data-key="open_tasks"] .cl-360-figure')).to_have_text("0")
	page.screenshot(path=os.path.join(artifacts, "customer-360.png"), full_page=True)

	frappe.db.rollback()
	assert frappe.get_all(
		"ToDo",
		filters={"reference_type": "Customer", "reference_name": customer.name},
		fields=["description", "status", "allocated_to"],
	) == [{"description": "Send the engagement letter", "status": "Closed", "allocated_to": personas["user"]}]
	assert personas["user"] in json.loads(frappe.db.get_value("Customer", customer.name, "_liked_by"))


@pytest.fixture
def two_customers(site):
	docs = [
		frappe.get_doc({"doctype": "Customer", "customer_name": name, "customer_type": "Company"}).insert()
		for name in ("Pym's Publicity", "Wimsey Holdings")
	]
	frappe.db.commit()
	yield docs
	frappe.db.rollback()
	for doc in docs:
		frappe.db.delete("Comment", {"reference_doctype": "Customer", "reference_name": doc.name})
		frappe.delete_doc("Customer", doc.name, force=True)
	frappe.db.commit()


def test_my_favourites_filter_in_the_list(login, two_customers, artifacts):
	liked, other = two_customers
	page = login("user")
	page.goto(f"/app/customer/{liked.name}")
	favourite = page.locator(".cl-360-header .cl-360-favourite")

	def like():
		# only while not liked: a second click would take the like back
		if "not-liked" in (favourite.get_attribute("class") or ""):
			favourite.click()

	until(
		like,
		lambda timeout: expect(favourite).to_have_class(
			"cl-360-favourite like-action liked", timeout=timeout
		),
	)

	page.goto("/app/customer?customer_type=Company")
	expect(page.locator(".list-row-container", has_text=other.customer_name)).to_be_visible()
	page.locator(".cl-my-favourites").get_by_text("My favourites").click()
	expect(page.locator(".list-row-container", has_text=liked.customer_name)).to_be_visible()
	expect(page.locator(".list-row-container", has_text=other.customer_name)).to_have_count(0)
	page.screenshot(path=os.path.join(artifacts, "customer-360-favourites.png"), full_page=True)


@pytest.fixture
def flagged_customer_without_email(site):
	doc = frappe.get_doc(
		{"doctype": "Customer", "customer_name": "Mervyn Bunter", "customer_type": "Individual"}
	).insert()
	frappe.get_doc(
		{
			"doctype": "Customer Flag",
			"customer": doc.name,
			"reason": "Owes for two quarters",
			"severity": "High",
		}
	).insert()
	frappe.db.commit()
	yield doc
	frappe.db.rollback()
	frappe.db.delete("Customer Flag", {"customer": doc.name})
	frappe.db.delete("Comment", {"reference_doctype": "Customer", "reference_name": doc.name})
	frappe.delete_doc("Customer", doc.name, force=True)
	frappe.db.commit()


def test_header_shows_the_flag_and_a_note_button_without_email(login, flagged_customer_without_email):
	page = login("user")
	page.goto(f"/app/customer/{flagged_customer_without_email.name}")
	header = page.locator(".cl-360-header")
	expect(header.locator(".cl-360-flag")).to_contain_text("Owes for two quarters")
	expect(header.locator(".cl-360-flag")).to_have_class("indicator-pill red cl-360-flag")
	expect(header.get_by_role("button", name="Email")).to_have_count(0)
	header.get_by_role("button", name="Note", exact=True).click()
	expect(page.locator(".modal.show .modal-title").last).to_have_text("New Note for Mervyn Bunter")
