"""The customer form's Onboarding tab: the checklist while onboarding, ticking the last required item
moves the customer on, and the form shows it without a manual reload."""

import os

import frappe
import pytest
from frappe.utils import add_days, nowdate
from playwright.sync_api import expect

from customer_lifecycle.api.lifecycle import apply_action
from customer_lifecycle.onboarding.checklists import set_item_done
from tests.browser.pages import CustomerForm
from tests.factories import committed_customers, unique, unique_email
from tests.helpers import as_user

pytestmark = pytest.mark.browser


@pytest.fixture
def onboarding_customer(site, personas):
	"""A customer onboarding with two of its three required items done; one item is overdue."""
	with committed_customers() as make:
		customer = make(customer_name=unique("Odile Boarding"), email=unique_email("odile.boarding"))
		apply_action(customer.name, "Start Onboarding")
		checklist = frappe.get_doc("Onboarding Checklist", {"customer": customer.name})
		items = {row.title: row.name for row in checklist.items}
		with as_user(personas["manager"]):
			set_item_done(checklist.name, items["Verify identity"], True, answer="Passport checked")
			set_item_done(checklist.name, items["Signed terms"], True)
		frappe.db.set_value(
			"Onboarding Checklist Item", items["Welcome call"], "due_date", add_days(nowdate(), -2)
		)
		frappe.db.commit()
		yield customer, checklist.name


def test_ticking_the_last_required_item_activates_the_customer(
	login, onboarding_customer, artifacts, personas
):
	customer, checklist = onboarding_customer
	form = CustomerForm(login("user")).open(customer.name)
	expect(form.state).to_have_text("Onboarding")
	tab = form.onboarding_tab
	tab.show()
	expect(tab.count).to_have_text("2 of 3 required items done · 50%")
	expect(tab.progress).to_have_attribute("aria-valuenow", "50")
	identity = tab.item("Verify identity")
	expect(identity.checkbox).to_be_checked()
	expect(identity.root).to_contain_text("Done by cl.manager")
	expect(identity.root).to_contain_text("Answer: Passport checked")
	expect(identity.customer_provides).to_be_visible()
	welcome = tab.item("Welcome call")
	expect(welcome.due).to_have_class("cl-onboarding-due text-danger")
	expect(welcome.root).to_contain_text("Overdue")
	expect(welcome.root).to_contain_text("Optional")
	form.page.screenshot(path=os.path.join(artifacts, "onboarding-checklist.png"), full_page=True)

	tab.tick("Billing details")

	# the form reloads itself: the new state in the header, the finished round on the tab
	expect(form.state).to_have_text("Active")
	expect(tab.current).to_have_count(0)
	expect(tab.rounds).to_contain_text("Round 1 · Completed · 75%")
	form.page.screenshot(path=os.path.join(artifacts, "onboarding-complete.png"), full_page=True)

	frappe.db.rollback()
	assert frappe.db.get_value("Customer", customer.name, "lifecycle_status") == "Active"
	change = frappe.db.get_value(
		"Customer Lifecycle Change",
		{"customer": customer.name, "to_state": "Active"},
		["automatic", "changed_by"],
		as_dict=True,
	)
	assert change == {"automatic": 1, "changed_by": personas["user"]}
	billing = frappe.db.get_value(
		"Onboarding Checklist Item",
		{"parent": checklist, "title": "Billing details"},
		["done", "done_by"],
		as_dict=True,
	)
	assert billing == {"done": 1, "done_by": personas["user"]}
