"""Billing on the customer form: a Customer Manager records a payment and the balance in the
Customer 360 header goes down."""

import os
import re

import frappe
import pytest
from frappe.utils import add_days, nowdate
from playwright.sync_api import expect

from customer_lifecycle.api.lifecycle import apply_action

pytestmark = pytest.mark.browser


@pytest.fixture
def customer_with_invoice(site):
	"""An active customer owing 100 on one overdue invoice, committed; removed afterwards."""
	customer = frappe.get_doc(
		{"doctype": "Customer", "customer_name": "Lord Peter Wimsey", "email": "peter.wimsey@example.org"}
	).insert()
	apply_action(customer.name, "Start Onboarding")
	apply_action(customer.name, "Activate")
	invoice = frappe.get_doc(
		{
			"doctype": "Customer Invoice",
			"customer": customer.name,
			"posting_date": add_days(nowdate(), -40),
			"due_date": add_days(nowdate(), -10),
			"items": [{"description": "Investigation", "qty": 1, "rate": 100}],
		}
	).insert()
	invoice.submit()
	frappe.db.commit()
	yield customer, invoice.name
	frappe.db.rollback()
	for doctype, child in (
		("Customer Payment", "Customer Payment Allocation"),
		("Customer Invoice", "Customer Invoice Item"),
	):
		for name in frappe.get_all(doctype, filters={"customer": customer.name}, pluck="name"):
			frappe.db.delete(child, {"parent": name})
			frappe.db.delete(doctype, name)
	frappe.delete_doc("Customer", customer.name, force=True)
	frappe.db.commit()


def test_record_payment_from_the_customer_form(login, customer_with_invoice, artifacts):
	customer, invoice = customer_with_invoice
	page = login("manager")
	page.goto(f"/app/customer/{customer.name}")
	header = page.locator(".cl-360-header")
	balance = header.locator('.cl-360-count[data-key="balance"] .cl-360-figure')
	expect(balance).to_have_text(re.compile(r"100\.00"))
	expect(header.locator('.cl-360-count[data-key="open_invoices"] .cl-360-figure')).to_have_text("1")

	page.get_by_role("button", name="Billing").click()
	page.get_by_role("link", name="Record Payment").click()
	dialog = page.locator(".modal.show")
	dialog.locator('[data-fieldname="amount"] input').fill("60")
	dialog.locator('[data-fieldname="method"] select').select_option("Mobile Money")
	dialog.locator('[data-fieldname="reference"] input').fill("MM-4471")
	dialog.get_by_role("button", name="Record").click()

	expect(balance).to_have_text(re.compile(r"40\.00"))
	page.screenshot(path=os.path.join(artifacts, "customer-payment.png"), full_page=True)

	frappe.db.rollback()
	payment = frappe.get_all(
		"Customer Payment",
		filters={"customer": customer.name},
		fields=["name", "amount", "method", "reference", "docstatus"],
	)
	assert [(p.amount, p.method, p.reference, p.docstatus) for p in payment] == [
		(60, "Mobile Money", "MM-4471", 1)
	]
	assert frappe.db.get_value("Customer Invoice", invoice, ["outstanding_amount", "status"]) == (
		40,
		"Overdue",
	)


def test_receivables_from_the_customer_form_run_live_for_that_customer(login, customer_with_invoice):
	"""Receivables Aging is a Prepared Report; opened from one customer's form it runs live for them."""
	customer, _invoice = customer_with_invoice
	assert frappe.db.get_value("Report", "Receivables Aging", "prepared_report")
	page = login("manager")
	page.goto(f"/app/customer/{customer.name}")
	page.get_by_role("button", name="Billing").click()
	page.get_by_role("link", name="Receivables").click()

	expect(page).to_have_url(re.compile(r"/app/query-report/Receivables%20Aging"))
	report = page.locator(".report-wrapper")
	expect(report).to_contain_text("Lord Peter Wimsey")
	expect(report).to_contain_text("100.00")
	expect(page.get_by_role("button", name="Generate New Report")).to_have_count(0)
