"""An admin calls customers "Clients": the customer list, its button and the new-record dialog say so."""

import os

import frappe
import pytest
from playwright.sync_api import expect

from customer_lifecycle.customers.terminology import PREFIX
from customer_lifecycle.utils.doctypes import SETTINGS
from tests.browser.pages import CustomerList, LifecycleSettingsForm, Workspace

pytestmark = pytest.mark.browser


def use_standard_words() -> None:
	frappe.db.rollback()
	settings = frappe.get_single(SETTINGS)
	settings.customer_term, settings.customer_term_plural = "Customer", "Customers"
	settings.save()
	frappe.db.commit()
	assert not frappe.db.exists("Translation", {"name": ("like", PREFIX + "%")})


@pytest.fixture
def standard_words(site):
	"""The browser tests share one site: the words are Customer/Customers before (a crashed run may
	have left others) and after, whatever happens."""
	use_standard_words()
	yield
	use_standard_words()


def test_the_list_reads_the_chosen_word(login, standard_words, artifacts):
	settings = LifecycleSettingsForm(login("manager")).open()
	# the preview shows how the desk will read (and that the form has taken both words)
	settings.choose_words("Client", "Clients")
	expect(settings.preview).to_contain_text("Customers → Clients")
	expect(settings.preview).to_contain_text("New Customer → New Client")
	settings.save()

	# once saved, the form offers to reload the desk
	confirm = settings.dialog()
	expect(confirm.root).to_contain_text("Reload now?", timeout=20_000)
	confirm.button("Yes").click()
	page = settings.page
	page.wait_for_load_state("load")

	customers = CustomerList(page).open()
	expect(customers.title).to_have_text("Client")
	expect(customers.breadcrumbs).to_contain_text("Clients")  # the workspace
	expect(customers.add_button("Client")).to_be_visible()
	page.screenshot(path=os.path.join(artifacts, "terminology-client-list.png"), full_page=True)

	customers.add_button("Client").click()
	expect(customers.dialog().title).to_have_text("New Client")
	page.keyboard.press("Escape")

	# the workspace: its sidebar entry, header, shortcut and card links
	workspace = Workspace(page).open()
	expect(workspace.sidebar_items.filter(has_text="Clients").first).to_be_visible()
	expect(workspace.headers.filter(has_text="Clients")).to_be_visible()
	expect(workspace.links.filter(has_text="Client Category")).to_be_visible()
	page.screenshot(path=os.path.join(artifacts, "terminology-client-workspace.png"), full_page=True)
