"""A person in the desk meets "Customer already exists", and merges two customers."""

import os
import re
import uuid

import frappe
import pytest
from playwright.sync_api import expect

from customer_lifecycle.demo.customers import FakeCustomers

pytestmark = pytest.mark.browser


@pytest.fixture
def committed():
	"""committed(**fields) -> a Customer the served site sees; all are deleted afterwards."""
	made = []

	def make(**fields):
		doc = frappe.get_doc({"doctype": "Customer", **fields}).insert()
		frappe.db.commit()
		made.append(doc.name)
		return doc

	yield make
	frappe.db.rollback()
	names = made + frappe.get_all(
		"Customer", filters={"customer_name": ("like", "%Browserdup%")}, pluck="name"
	)
	for name in set(names):
		if frappe.db.exists("Customer", name):
			frappe.delete_doc("Customer", name, force=True)
		frappe.db.delete("Comment", {"reference_doctype": "Customer", "reference_name": name})
	frappe.db.commit()


def tag():
	return uuid.uuid4().hex[:6]


def phone():
	return FakeCustomers(seed=uuid.uuid4().int, region="GB").phone()


def modal(page):
	return page.locator(".modal.show").last


def test_exact_duplicate_is_stopped_in_the_new_customer_dialog(login, committed, artifacts):
	existing = committed(customer_name=f"Ingrid Browserdup{tag()}", email=f"ingrid.{tag()}@example.com")
	page = login("user")
	page.goto("/app/customer")
	page.get_by_role("button", name="Add Customer").click()
	form = modal(page)
	expect(form.locator(".modal-title")).to_have_text("New Customer")
	form.locator('input[data-fieldname="customer_name"]').fill("Someone Browserdup")
	form.locator('input[data-fieldname="email"]').fill(existing.email.upper())
	# "Create now" when an admin added intake fields (a second step), else the dialog's "Save"
	form.get_by_role("button", name=re.compile(r"^(Create now|Save)$")).first.click()

	warning = modal(page)
	expect(warning.locator(".modal-title")).to_have_text("Customer already exists")
	row = warning.locator("tr.duplicate-candidate")
	expect(row).to_have_count(1)
	expect(row).to_contain_text(existing.customer_name)
	expect(row).to_contain_text(f"same Email {existing.email}")
	expect(row).to_contain_text("Exact match")
	# a Customer User cannot create it anyway
	expect(warning.get_by_role("button", name="Create anyway")).to_have_count(0)
	page.screenshot(path=os.path.join(artifacts, "duplicate-warning-quick-entry.png"))

	row.get_by_role("link", name=existing.customer_name).click()
	page.wait_for_url(f"**/app/customer/{existing.name}")
	frappe.db.rollback()
	assert frappe.db.count("Customer", {"customer_name": "Someone Browserdup"}) == 0


def test_full_form_warns_of_a_similar_customer_and_saves_anyway(login, committed):
	number = phone()
	existing = committed(customer_name=f"Gustav Browserdup{tag()}", phone=number)
	page = login("manager")
	page.goto("/app/customer/new")
	page.locator('input[data-fieldname="customer_name"]').fill("Gustav Different Browserdup")
	page.locator('input[data-fieldname="phone"]').fill(number)
	page.keyboard.press("Control+s")

	warning = modal(page)
	expect(warning.locator(".modal-title")).to_have_text("Customer already exists")
	expect(warning.locator("tr.duplicate-candidate")).to_contain_text(f"same Phone {number}")
	warning.get_by_role("button", name="Create anyway").click()

	page.wait_for_url(re.compile(r".*/app/customer/CUST-\d{4}-\d{5}$"))
	name = page.url.rsplit("/", 1)[1]
	assert name != existing.name
	frappe.db.rollback()
	assert frappe.db.get_value("Customer", name, ["phone", "allow_duplicate"]) == (number, 0)


def test_manager_merges_a_likely_duplicate_into_this_customer(login, committed, artifacts):
	number = phone()
	survivor = committed(customer_name=f"Hedda Browserdup{tag()}", phone=number)
	duplicate = committed(customer_name=f"Hedda Browserdup{tag()}", phone=number, notes="the duplicate")
	page = login("manager")
	page.goto(f"/app/customer/{survivor.name}")
	page.get_by_role("button", name="Merge").click()

	dialog = modal(page)
	expect(dialog.locator(".modal-title")).to_contain_text("Merge")
	suggestion = dialog.locator(f'tr.duplicate-candidate[data-name="{duplicate.name}"]')
	expect(suggestion).to_contain_text(f"same Phone {number}")
	suggestion.locator("td").nth(2).click()
	# the link field shows the chosen customer's title
	expect(dialog.locator('input[data-fieldname="other"]')).to_have_value(duplicate.customer_name)
	expect(dialog).to_contain_text(f"{duplicate.name} is deleted")
	page.screenshot(path=os.path.join(artifacts, "merge-dialog.png"))
	dialog.get_by_role("button", name="Merge", exact=True).click()

	# Frappe's rename-with-merge clears the whole site cache: the merge can take seconds
	expect(page.get_by_text(f"{duplicate.name} merged into {survivor.name}")).to_be_visible(timeout=90_000)
	page.reload()
	expect(
		page.locator(".timeline-content").filter(has_text=f"merged {duplicate.name}").first
	).to_be_visible()
	frappe.db.rollback()
	assert not frappe.db.exists("Customer", duplicate.name)
	assert frappe.db.get_value("Customer", survivor.name, "lifecycle_status") == "Prospect"


def test_customer_user_is_not_offered_merge(login, committed):
	customer = committed(customer_name=f"Ulla Browserdup{tag()}")
	page = login("user")
	page.goto(f"/app/customer/{customer.name}")
	expect(page.locator(".page-head").get_by_role("button", name="Archive")).to_be_visible()
	expect(page.get_by_role("button", name="Merge")).to_have_count(0)
