"""An admin calls customers "Clients": the customer list, its button and the new-record dialog say so."""

import os

import frappe
import pytest
from playwright.sync_api import expect

from customer_lifecycle.customers.terminology import PREFIX
from customer_lifecycle.utils.doctypes import SETTINGS
from tests.browser.forms import until

pytestmark = pytest.mark.browser


@pytest.fixture
def standard_words_afterwards(site):
	"""The browser tests share one site: whatever happens, the words are Customer/Customers after."""
	yield
	frappe.db.rollback()
	settings = frappe.get_single(SETTINGS)
	settings.customer_term, settings.customer_term_plural = "Customer", "Customers"
	settings.save()
	frappe.db.commit()
	assert not frappe.db.exists("Translation", {"name": ("like", PREFIX + "%")})


def test_the_list_reads_the_chosen_word(login, standard_words_afterwards, artifacts):
	page = login("manager")
	page.goto("/app/customer-lifecycle-settings")

	def choose_words():
		page.locator('.frappe-control[data-fieldname="customer_term"] input').fill("Client")
		page.locator('.frappe-control[data-fieldname="customer_term_plural"] input').fill("Clients")
		page.keyboard.press("Tab")

	# the preview shows how the desk will read (and that the form has taken both words)
	preview = page.locator('.frappe-control[data-fieldname="customer_term_plural"] .help-box')
	until(
		choose_words, lambda timeout: expect(preview).to_contain_text("Customers → Clients", timeout=timeout)
	)
	expect(preview).to_contain_text("New Customer → New Client")
	page.keyboard.press("Control+s")

	# once saved, the form offers to reload the desk
	confirm = page.locator(".modal.show").last
	expect(confirm).to_contain_text("Reload now?", timeout=20_000)
	confirm.get_by_role("button", name="Yes").click()
	page.wait_for_load_state("load")

	page.goto("/app/customer")
	expect(page.locator(".page-head .title-text")).to_have_text("Client")
	expect(page.locator("#navbar-breadcrumbs")).to_contain_text("Clients")  # the workspace
	expect(page.get_by_role("button", name="Add Client")).to_be_visible()
	page.screenshot(path=os.path.join(artifacts, "terminology-client-list.png"), full_page=True)

	page.get_by_role("button", name="Add Client").click()
	expect(page.locator(".modal.show .modal-title").last).to_have_text("New Client")
	page.keyboard.press("Escape")

	# the workspace: its sidebar entry, header, shortcut and card links
	page.goto("/app/customers")
	expect(page.locator(".sidebar-item-label", has_text="Clients").first).to_be_visible()
	expect(page.locator(".ce-header", has_text="Clients")).to_be_visible()
	expect(page.locator(".link-item", has_text="Client Category")).to_be_visible()
	page.screenshot(path=os.path.join(artifacts, "terminology-client-workspace.png"), full_page=True)
