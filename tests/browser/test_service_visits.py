"""Service plans in the desk: a subscription's visit shows in Frappe's calendar of the staff user who
makes it, and on the customer's Service tab with the plan and the next visit."""

import os
import uuid

import frappe
import pytest
from playwright.sync_api import expect

from customer_lifecycle.api.lifecycle import apply_action
from tests.browser.forms import show_tab
from tests.factories import make_service_plan, make_site_address, make_subscription, visits_of

pytestmark = pytest.mark.browser


@pytest.fixture
def subscribed(site):
	"""An active customer on a weekly plan at a site address, its visits made by the Customer
	Manager persona, committed; removed afterwards."""
	customer = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": f"Jane Marple {uuid.uuid4().hex[:6]}",
			"email": f"marple.{uuid.uuid4().hex[:8]}@example.org",
		}
	).insert()
	apply_action(customer.name, "Start Onboarding")
	apply_action(customer.name, "Activate")
	plan = make_service_plan("Weekly", visits=1, price=55)
	address = make_site_address(customer.name, address_line1="4 St Mary Mead Lane")
	subscription = make_subscription(customer.name, plan.name, address.name)
	frappe.db.commit()
	yield frappe._dict(customer=customer, plan=plan, subscription=subscription, address=address)
	frappe.db.rollback()
	events = [v.name for v in visits_of(subscription.name)]
	frappe.db.delete("ToDo", {"reference_type": "Event", "reference_name": ("in", events or [""])})
	frappe.db.delete("Event Participants", {"parent": ("in", events or [""])})
	frappe.db.delete("Event", {"name": ("in", events or [""])})
	frappe.db.delete("Service Subscription", subscription.name)
	frappe.db.delete("Service Plan", plan.name)
	frappe.delete_doc("Address", address.name, force=True)
	frappe.delete_doc("Customer", customer.name, force=True)
	frappe.db.commit()


def test_a_visit_shows_in_the_calendar_and_on_the_customers_service_tab(login, subscribed, artifacts):
	page = login("manager")
	page.goto("/app/event/view/calendar/default")
	visit = page.locator(".fc-event", has_text=subscribed.customer.customer_name).first
	expect(visit).to_be_visible()
	expect(visit).to_contain_text(subscribed.plan.name)
	page.screenshot(path=os.path.join(artifacts, "service-visit-calendar.png"), full_page=True)

	# the event opens with the site and its access contact
	visit.click()
	expect(page.locator(".frappe-control[data-fieldname='description']")).to_contain_text("St Mary Mead Lane")

	page.goto(f"/app/customer/{subscribed.customer.name}")
	tab = page.locator(".cl-ledger[data-ledger='subscriptions']")
	show_tab(page, "Service", tab)
	expect(tab).to_contain_text(subscribed.plan.name)
	expect(tab).to_contain_text("Active")
	upcoming = page.locator(".cl-ledger[data-ledger='upcoming_events']")
	expect(upcoming.locator("tbody tr").first).to_contain_text(subscribed.customer.customer_name)
	page.screenshot(path=os.path.join(artifacts, "service-tab.png"), full_page=True)
