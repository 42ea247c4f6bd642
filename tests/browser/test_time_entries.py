"""Time on an engagement: a Customer Manager starts the timer on the engagement form, finds it still
running after a reload, stops it, and invoices the unbilled time as one line per activity."""

import os
import re
import uuid

import frappe
import pytest
from frappe.utils import add_to_date, now_datetime
from playwright.sync_api import expect

from customer_lifecycle.api.lifecycle import apply_action
from tests.factories import make_activity, make_engagement

pytestmark = pytest.mark.browser


@pytest.fixture
def engagement(site):
	"""An engagement of an active customer and an activity at 100 an hour, committed; removed
	afterwards with the time and the invoices made on it."""
	customer = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": "Harriet Vane",
			"email": f"harriet.{uuid.uuid4().hex[:6]}@example.org",
		}
	).insert()
	apply_action(customer.name, "Start Onboarding")
	apply_action(customer.name, "Activate")
	engagement = make_engagement(customer.name, title="Gaudy Night manuscript")
	activity = make_activity(default_rate=100, name=f"Editing {uuid.uuid4().hex[:6]}")
	frappe.db.commit()
	yield frappe._dict(name=engagement.name, customer=customer.name, activity=activity)
	frappe.db.rollback()
	frappe.db.delete("Time Entry", {"engagement": engagement.name})
	for name in frappe.get_all("Customer Invoice", filters={"customer": customer.name}, pluck="name"):
		frappe.db.delete("Customer Invoice Item", {"parent": name})
		frappe.db.delete("Customer Invoice", name)
	frappe.db.delete("Engagement", engagement.name)
	frappe.db.delete("Billing Activity", activity)
	frappe.delete_doc("Customer", customer.name, force=True)
	frappe.db.commit()


def test_log_time_with_the_timer_and_invoice_it(login, engagement, artifacts):
	page = login("manager")
	page.goto(f"/app/engagement/{engagement.name}")
	time = page.locator(".cl-time")
	expect(time).to_contain_text("No time logged yet.")

	time.get_by_role("button", name="Start Timer").click()
	dialog = page.locator(".modal.show")
	dialog.locator('[data-fieldname="activity"] input').fill(engagement.activity)
	page.get_by_role("option").filter(has_text=engagement.activity).first.click()
	dialog.locator('[data-fieldname="description"] textarea').fill("Second reading")
	dialog.get_by_role("button", name="Start").click()
	expect(time.locator(".cl-time-running")).to_contain_text("Your timer is running since")

	# the server holds the timer: a reload finds it running
	page.reload()
	expect(time.locator(".cl-time-running")).to_contain_text("Your timer is running since")
	frappe.db.rollback()
	running = frappe.get_all(
		"Time Entry",
		filters={"engagement": engagement.name, "timer_started_at": ("is", "set")},
		fields=["name", "user", "hours"],
	)
	assert [(r.user, r.hours) for r in running] == [("cl.manager@example.com", 0)]
	# it started an hour and a half ago, as far as the server knows
	frappe.db.set_value(
		"Time Entry", running[0].name, "timer_started_at", add_to_date(now_datetime(), minutes=-90)
	)
	frappe.db.commit()

	time.get_by_role("button", name="Stop Timer").click()
	row = time.locator(".cl-time-table tbody tr")
	expect(row).to_have_count(1)
	expect(row).to_contain_text("1.5")
	expect(row).to_contain_text("150.00")
	expect(time.locator(".cl-time-running")).to_have_count(0)

	time.get_by_role("button", name="Invoice Unbilled Time").click()
	dialog = page.locator(".modal.show")
	dialog.locator('[data-fieldname="lines"] select').select_option("activity")
	dialog.get_by_role("button", name="Make Draft Invoice").click()
	expect(page).to_have_url(re.compile(r"/app/customer-invoice/CINV-"))
	invoice = page.url.rsplit("/", 1)[1]
	expect(page.locator('[data-fieldname="total"]').first).to_contain_text("150.00")
	page.screenshot(path=os.path.join(artifacts, "time-invoice.png"), full_page=True)

	frappe.db.rollback()
	doc = frappe.get_doc("Customer Invoice", invoice)
	assert (doc.docstatus, doc.customer, doc.engagement, doc.total) == (
		0,
		engagement.customer,
		engagement.name,
		150,
	)
	assert [(r.item_code, r.qty, r.rate) for r in doc.items] == [(engagement.activity, 1.5, 100)]
	assert frappe.db.get_value("Time Entry", running[0].name, ["hours", "invoice"]) == (1.5, invoice)
