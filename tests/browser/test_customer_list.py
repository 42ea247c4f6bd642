"""A person in the customer list: selects customers, runs a bulk action and reads the per-customer
results; narrows the list to incomplete customers from the sidebar."""

import json
import os
import random
from urllib.parse import quote

import frappe
import pytest
from playwright.sync_api import expect

from customer_lifecycle.customers.bulk_actions import BULK_INLINE
from customer_lifecycle.demo.customers import FakeCustomers

pytestmark = pytest.mark.browser


def unique(word: str) -> str:
	"""A name prefix no earlier run has used (Faker is seeded, so it would repeat)."""
	return f"{word} {frappe.generate_hash(length=8)}"


@pytest.fixture
def customers():
	"""customers(prefix, *fields) -> names of committed customers named prefix + n (the served site
	sees them); each is removed after the test."""
	made = []

	def make(prefix: str, *fields: dict) -> list[str]:
		names = [
			frappe.get_doc({"doctype": "Customer", "customer_name": f"{prefix} {i}", **values}).insert().name
			for i, values in enumerate(fields)
		]
		frappe.db.commit()
		made.extend(names)
		return names

	yield make
	frappe.db.rollback()
	for name in made:
		# force: the lifecycle log of a moved customer would otherwise keep it
		frappe.delete_doc("Customer", name, force=True, ignore_missing=True)
	frappe.db.commit()


def open_list(page, prefix: str) -> None:
	"""The customer list filtered to this test's customers (a route option, as a link would set it)."""
	page.goto("/app/customer?customer_name=" + quote(json.dumps(["like", f"%{prefix}%"])))
	expect(page.locator(".list-row-container").first).to_be_visible()


def select(page, names: list[str]) -> None:
	for name in names:
		page.locator(f'.list-row-checkbox[data-name="{name}"]').check()


def run_action(page, label: str) -> None:
	page.get_by_role("button", name="Actions").click()
	page.locator(".dropdown-menu.show").get_by_text(label, exact=True).click()


def shown_prompt(page):
	"""The dialog just opened, once its fade-in is over: Bootstrap ignores a hide() during it, so a
	click on its button that comes too soon (as no person's would) would leave it open."""
	prompt = page.locator(".modal.show").last
	expect(prompt).to_have_css("opacity", "1")
	return prompt


def results_dialog(page, timeout: int = 5_000):
	dialog = page.locator(".modal.show").filter(has=page.locator(".cl-bulk-results"))
	expect(dialog).to_be_visible(timeout=timeout)
	return dialog


def row(dialog, name: str):
	return dialog.locator(f'.cl-bulk-row[data-customer="{name}"]')


def test_bulk_delete_reports_each_customer(login, customers, engagement_doctype, artifacts):
	prefix = unique("Bulkdel")
	free_one, free_two, linked = customers(prefix, {}, {}, {})
	engagement = frappe.get_doc({"doctype": engagement_doctype, "customer": linked}).insert()
	frappe.db.commit()
	try:
		page = login("manager")
		open_list(page, prefix)
		select(page, [free_one, free_two, linked])
		run_action(page, "Delete")
		page.locator(".modal.show").get_by_role("button", name="Yes").click()

		dialog = results_dialog(page)
		expect(dialog.locator(".modal-title")).to_have_text("Delete: 2 done, 1 failed")
		for name in (free_one, free_two):
			expect(row(dialog, name)).to_have_attribute("data-result", "done")
			expect(row(dialog, name).locator(".cl-bulk-message")).to_have_text("Deleted")
		expect(row(dialog, linked)).to_have_attribute("data-result", "failed")
		expect(row(dialog, linked)).to_contain_text(f"{prefix} 2")
		message = row(dialog, linked).locator(".cl-bulk-message")
		expect(message).to_contain_text(f"1 {engagement_doctype}")
		expect(message).to_contain_text("Archive it instead")
		page.screenshot(path=os.path.join(artifacts, "customer-list-bulk-delete.png"), full_page=True)

		dialog.get_by_role("button", name="Close").click()
		expect(page.locator(f'.list-row-checkbox[data-name="{free_one}"]')).to_have_count(0)
		expect(page.locator(f'.list-row-checkbox[data-name="{linked}"]')).to_have_count(1)
		frappe.db.rollback()
		assert [frappe.db.exists("Customer", n) for n in (free_one, free_two, linked)] == [None, None, linked]
	finally:
		frappe.db.rollback()
		frappe.delete_doc(engagement_doctype, engagement.name, force=True)
		frappe.db.commit()


def test_customer_user_tags_and_starts_onboarding_from_the_list(login, customers):
	prefix = unique("Bulktag")
	first, second = customers(prefix, {}, {})
	page = login("user")
	open_list(page, prefix)
	expect(page.locator(".list-sidebar .list-tags")).to_be_visible()  # Frappe's tag filter is there

	select(page, [first, second])
	run_action(page, "Add Tags")
	prompt = shown_prompt(page)
	prompt.locator('input[data-fieldname="tag"]').fill("Referral 2026")
	prompt.get_by_role("button", name="Add Tag").click()
	dialog = results_dialog(page)
	expect(dialog.locator(".modal-title")).to_have_text("Add Tag: 2 done, 0 failed")
	expect(row(dialog, first).locator(".cl-bulk-message")).to_have_text("Tagged Referral 2026")
	dialog.get_by_role("button", name="Close").click()

	select(page, [first, second])
	run_action(page, "Start Onboarding")
	prompt = shown_prompt(page)
	prompt.locator('textarea[data-fieldname="reason"]').fill("Referred by a partner")
	prompt.get_by_role("button", name="Start Onboarding").click()
	dialog = results_dialog(page)
	expect(dialog.locator(".modal-title")).to_have_text("Start Onboarding: 2 done, 0 failed")
	expect(row(dialog, second).locator(".cl-bulk-message")).to_have_text("Moved to Onboarding")
	dialog.get_by_role("button", name="Close").click()

	# the sidebar's tag filter now offers the tag
	page.locator(".list-sidebar .list-tags .list-sidebar-button").click()
	expect(page.locator(".list-tags .dropdown-menu.show")).to_contain_text("Referral 2026")

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
	open_list(page, prefix)
	expect(page.locator(f'.list-row-checkbox[data-name="{complete}"]')).to_have_count(1)
	expect(page.locator(f'.list-row-checkbox[data-name="{sparse}"]')).to_have_count(1)
	complete_row = page.locator(".list-row-container").filter(has=page.locator(f'[data-name="{complete}"]'))
	expect(complete_row.locator(".cl-completeness")).to_have_attribute("title", "Completeness: 100%")

	toggle = page.locator(".list-sidebar .cl-show-incomplete a")
	expect(toggle).to_have_text("Show incomplete")
	toggle.click()
	expect(page.locator(f'.list-row-checkbox[data-name="{complete}"]')).to_have_count(0)
	expect(page.locator(f'.list-row-checkbox[data-name="{sparse}"]')).to_have_count(1)
	expect(toggle).to_have_class("btn btn-default btn-sm list-sidebar-button btn-primary-light")
	page.screenshot(path=os.path.join(artifacts, "customer-list-incomplete.png"), full_page=True)

	toggle.click()
	expect(page.locator(f'.list-row-checkbox[data-name="{complete}"]')).to_have_count(1)
	expect(toggle).not_to_have_class("btn btn-default btn-sm list-sidebar-button btn-primary-light")


def test_a_large_selection_runs_in_the_background_and_can_be_reopened(login, customers, artifacts):
	"""More than BULK_INLINE customers: the job runs in the worker (./dev.sh test starts one), the
	desk shows its progress and then the same per-customer results."""
	prefix = unique("Bulkbig")
	names = customers(prefix, *[{} for _ in range(BULK_INLINE + 2)])
	page = login("manager")
	open_list(page, prefix)
	page.locator(".btn-paging[data-value='100']").click()
	expect(page.locator(".list-row-checkbox")).to_have_count(len(names))
	page.locator(".list-header-subject .list-check-all").check()
	run_action(page, "Archive")

	# the progress bar, then (the job done) the results
	expect(page.locator(".modal.show .modal-title").first).to_have_text(f"Archive: {len(names)} customers")
	dialog = results_dialog(page, timeout=120_000)
	expect(dialog.locator(".modal-title")).to_have_text(f"Archive: {len(names)} done, 0 failed")
	expect(dialog.locator('.cl-bulk-row[data-result="done"]')).to_have_count(len(names))
	dialog.get_by_role("button", name="Close").click()
	expect(dialog).to_be_hidden()

	# the results stay an hour: the list's menu opens them again
	page.locator(".page-actions .menu-btn-group button").click()
	page.locator(".dropdown-menu.show").get_by_text("Last Bulk Action Results", exact=True).click()
	expect(results_dialog(page).locator(".modal-title")).to_have_text(f"Archive: {len(names)} done, 0 failed")
	frappe.db.rollback()
	assert {frappe.db.get_value("Customer", n, "archived") for n in names} == {1}
