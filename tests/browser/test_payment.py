"""Billing on the customer form: a Customer Manager records a payment and the balance in the
Customer 360 header goes down."""

import os
import re

import frappe
import pytest
from playwright.sync_api import expect

from tests.browser.pages import CustomerForm, ReportView
from tests.factories import committed_customers, make_active_customer, make_invoice, unique, unique_email

pytestmark = pytest.mark.browser


@pytest.fixture
def customer_with_invoice(site):
	"""An active customer owing 100 on one overdue invoice, committed; removed afterwards."""
	with committed_customers(make_active_customer) as make:
		customer = make(customer_name=unique("Lord Peter Wimsey"), email=unique_email("peter.wimsey"))
		invoice = make_invoice(customer.name, items=((1, 100),), days_ago=40, due_in=30)
		frappe.db.commit()
		yield customer, invoice.name


def test_record_payment_from_the_customer_form(login, customer_with_invoice, artifacts):
	customer, invoice = customer_with_invoice
	form = CustomerForm(login("manager")).open(customer.name)
	balance = form.header.figure("balance")
	expect(balance).to_have_text(re.compile(r"100\.00"))
	expect(form.header.figure("open_invoices")).to_have_text("1")

	form.billing("Record Payment")
	dialog = form.dialog()
	dialog.field("amount").fill("60")
	dialog.field("method").select_option("Mobile Money")
	dialog.field("reference").fill("MM-4471")
	dialog.button("Record").click()

	expect(balance).to_have_text(re.compile(r"40\.00"))
	form.page.screenshot(path=os.path.join(artifacts, "customer-payment.png"), full_page=True)

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
	form = CustomerForm(login("manager")).open(customer.name)
	form.billing("Receivables")

	report = ReportView(form.page, "Receivables Aging")
	expect(form.page).to_have_url(report.url)
	expect(report.body).to_contain_text(customer.customer_name)
	expect(report.body).to_contain_text("100.00")
	expect(report.generate_button).to_have_count(0)
