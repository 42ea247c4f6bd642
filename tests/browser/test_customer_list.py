"""A person in the customer list: selects customers, runs a bulk action and reads the per-customer
results; narrows the list to incomplete customers from the sidebar."""

import os
import random

import frappe
import pytest
from playwright.sync_api import expect

from customer_lifecycle.customers.bulk_actions import BULK_INLINE
from customer_lifecycle.demo.customers import FakeCustomers
from tests.browser.pages import CustomerList
from tests.factories import committed_customers, unique

pytestmark = pytest.mark.browser


@pytest.fixture
def customers(site):
	"""customers(prefix, *fields) -> names of committed customers named prefix + n (the served site
	sees them); each is removed after the test."""
	with committed_customers() as make:
		yield lambda prefix, *fields: [
			make(**{"customer_name": f"{prefix} {i}", "email": None, "phone": None, **values}).name
			for i, values in enumerate(fields)
		]


def test_bulk_delete_reports_each_customer(login, customers, engagement_doctype, artifacts):
	prefix = unique("Bulkdel")
	free_one, free_two, linked = customers(prefix, {}, {}, {})
	engagement = frappe.get_doc({"doctype": engagement_doctype, "customer": linked}).insert()
	frappe.db.commit()
	try:
		listing = CustomerList(login("manager")).open_named_like(prefix)
		listing.select([free_one, free_two, linked])
		listing.run_action("Delete")
		listing.confirm()

		results = listing.results()
		expect(results.title).to_have_text("Delete: 2 done, 1 failed")
		for name in (free_one, free_two):
			expect(results.row(name)).to_have_attribute("data-result", "done")
			expect(results.message(name)).to_have_text("Deleted")
		expect(results.row(linked)).to_have_attribute("data-result", "failed")
		expect(results.row(linked)).to_contain_text(f"{prefix} 2")
		expect(results.message(linked)).to_contain_text(f"1 {engagement_doctype}")
		expect(results.message(linked)).to_contain_text("Archive it instead")
		listing.page.screenshot(path=os.path.join(artifacts, "customer-list-bulk-delete.png"), full_page=True)

		results.button("Close").click()
		expect(listing.checkbox(free_one)).to_have_count(0)
		expect(listing.checkbox(linked)).to_have_count(1)
		frappe.db.rollback()
		assert [frappe.db.exists("Customer", n) for n in (free_one, free_two, linked)] == [None, None, linked]
	finally:
		frappe.db.rollback()
		frappe.delete_doc(engagement_doctype, engagement.name, force=True)
		frappe.db.commit()


def test_customer_user_tags_and_starts_onboarding_from_the_list(login, customers):
	prefix = unique("Bulktag")
	first, second = customers(prefix, {}, {})
	listing = CustomerList(login("user")).open_named_like(prefix)
	expect(listing.tag_filter).to_be_visible()  # Frappe's tag filter is there

	results = listing.bulk_action([first, second], "Add Tags", "Add Tag", tag="Referral 2026")
	expect(results.title).to_have_text("Add Tag: 2 done, 0 failed")
	expect(results.message(first)).to_have_text("Tagged Referral 2026")
	results.button("Close").click()

	results = listing.bulk_action(
		[first, second], "Start Onboarding", "Start Onboarding", reason="Referred by a partner"
	)
	expect(results.title).to_have_text("Start Onboarding: 2 done, 0 failed")
	expect(results.message(second)).to_have_text("Moved to Onboarding")
	results.button("Close").click()

	# the sidebar's tag filter now offers the tag
	listing.filter_by_tag()
	expect(listing.tag_menu).to_contain_text("Referral 2026")

	frappe.db.rollback()
	for name in (first, second):
		assert frappe.db.get_value("Customer", name, ["_user_tags", "lifecycle_status"]) == (
			",Referral 2026",
			"Onboarding",
		)
		assert (
			frappe.db.get_value("Customer Lifecycle Change", {"customer": name}, "reason")
			== "Referred by a partner"
		)


def test_show_incomplete_in_the_sidebar(login, customers, artifacts):
	prefix = unique("Bulkfill")
	complete, sparse = customers(
		prefix,
		{
			"customer_type": "Company",
			"email": f"{prefix.split()[1]}@example.com",
			"phone": FakeCustomers(seed=random.randrange(10**9), region="GB").phone(),
			"id_number": prefix.split()[1].upper(),
			"customer_category": "VIP",
			"address_line1": "1 High Street",
			"city": "London",
			"country": "United Kingdom",
		},
		{},
	)
	assert frappe.db.get_value("Customer", complete, "completeness") == 100
	assert frappe.db.get_value("Customer", sparse, "completeness") < 100

	page = login("manager")
	# Frappe shows 4 list columns up to 1366px wide, 6 above: completeness is the sixth
	page.set_viewport_size({"width": 1600, "height": 900})
	listing = CustomerList(page).open_named_like(prefix)
	expect(listing.checkbox(complete)).to_have_count(1)
	expect(listing.checkbox(sparse)).to_have_count(1)
	expect(listing.completeness(complete)).to_have_attribute("title", "Completeness: 100%")

	toggle = listing.show_incomplete
	expect(toggle).to_have_text("Show incomplete")
	toggle.click()
	expect(listing.checkbox(complete)).to_have_count(0)
	expect(listing.checkbox(sparse)).to_have_count(1)
	expect(toggle).to_have_class("btn btn-default btn-sm list-sidebar-button btn-primary-light")
	page.screenshot(path=os.path.join(artifacts, "customer-list-incomplete.png"), full_page=True)

	toggle.click()
	expect(listing.checkbox(complete)).to_have_count(1)
	expect(toggle).not_to_have_class("btn btn-default btn-sm list-sidebar-button btn-primary-light")


def test_a_large_selection_runs_in_the_background_and_can_be_reopened(login, customers, artifacts):
	"""More than BULK_INLINE customers: the job runs in the worker (./dev.sh test starts one), the
	desk shows its progress and then the same per-customer results."""
	prefix = unique("Bulkbig")
	names = customers(prefix, *[{} for _ in range(BULK_INLINE + 2)])
	listing = CustomerList(login("manager")).open_named_like(prefix)
	listing.show_page_of(100)
	expect(listing.checkboxes).to_have_count(len(names))
	listing.select_all()
	listing.run_action("Archive")

	# the progress bar, then (the job done) the results
	expect(listing.progress().title).to_have_text(f"Archive: {len(names)} customers")
	results = listing.results(timeout=120_000)
	expect(results.title).to_have_text(f"Archive: {len(names)} done, 0 failed")
	expect(results.done_rows).to_have_count(len(names))
	results.button("Close").click()
	expect(results.root).to_be_hidden()

	# the results stay an hour: the list's menu opens them again
	listing.choose_from_page_menu("Last Bulk Action Results")
	expect(listing.results().title).to_have_text(f"Archive: {len(names)} done, 0 failed")
	frappe.db.rollback()
	assert {frappe.db.get_value("Customer", n, "archived") for n in names} == {1}
