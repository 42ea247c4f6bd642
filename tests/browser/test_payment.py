"""Billing on the customer form: a Customer Manager records a payment and the balance in the
Customer 360 header goes down."""

import os
import re

import frappe
import pytest
from playwright.sync_api import expect

from tests.browser.pages import CustomerForm, CustomerList, ReportView
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


@pytest.fixture
def customer_with_two_invoices(site):
	"""An active customer owing on two invoices (the older 250, the newer 80), committed."""
	with committed_customers(make_active_customer) as make:
		customer = make(customer_name=unique("Harriet Vane"), email=unique_email("harriet.vane"))
		older = make_invoice(customer.name, items=((1, 250),), days_ago=20)
		newer = make_invoice(customer.name, items=((2, 40),), days_ago=5)
		frappe.db.commit()
		yield customer, older.name, newer.name


def test_amounts_show_the_firms_currency_everywhere(login, customer_with_invoice):
	"""The test site is in the United Kingdom: the 360 header, the invoice and a report show pounds."""
	customer, invoice = customer_with_invoice
	form = CustomerForm(login("manager")).open(customer.name)
	expect(form.header.figure("balance")).to_have_text(re.compile(r"£\s?100\.00"))
	form.invoices_tab.show()
	expect(form.invoices_tab.row(invoice)).to_contain_text(re.compile(r"£\s?100\.00"))

	form.page.goto(f"/app/customer-invoice/{invoice}")
	total = form.page.locator('.frappe-control[data-fieldname="total"] .control-value')
	expect(total).to_have_text(re.compile(r"£\s?100\.00"))

	# the report for this customer, as a link from its form opens it
	report = ReportView(form.page, "Customer Lifetime Value")
	form.page.evaluate(
		"""(customer) => {
			frappe.route_options = { customer, top: 0 };
			frappe.set_route("query-report", "Customer Lifetime Value");
		}""",
		customer.name,
	)
	rows = report.body.locator(".dt-scrollable .dt-row")
	expect(rows).to_have_count(1)
	expect(rows.first).to_contain_text(customer.customer_name)
	expect(rows.first).to_contain_text(re.compile(r"£\s?100\.00"))


def test_pay_one_invoice_from_the_invoices_tab(login, customer_with_two_invoices):
	"""The newer invoice's Record Payment pays that invoice, not the oldest one; the balance goes down
	in the header and in the customer list's Balance column."""
	customer, older, newer = customer_with_two_invoices
	page = login("manager")
	listing = CustomerList(page).open_named_like(customer.customer_name)
	expect(listing.row_of(customer.name)).to_contain_text(re.compile(r"£\s?330\.00"))
	form = CustomerForm(page).open(customer.name)
	form.invoices_tab.show()
	form.invoices_tab.pay(newer)
	dialog = form.dialog()
	expect(dialog.title).to_have_text(f"Record Payment for {newer}")
	dialog.field("amount").fill("80")
	dialog.field("method").select_option("Bank Transfer")
	dialog.button("Record").click()

	expect(form.header.figure("balance")).to_have_text(re.compile(r"£\s?250\.00"))
	expect(form.invoices_tab.row(newer)).to_contain_text("Paid")
	expect(form.invoices_tab.row(newer).get_by_role("button", name="Record Payment")).to_have_count(0)
	listing.open_named_like(customer.customer_name)
	expect(listing.row_of(customer.name)).to_contain_text(re.compile(r"£\s?250\.00"))
	expect(listing.row_of(customer.name)).not_to_contain_text("330")
	frappe.db.rollback()
	assert frappe.db.get_value("Customer Invoice", newer, "outstanding_amount") == 0
	assert frappe.db.get_value("Customer Invoice", older, "outstanding_amount") == 250
	assert frappe.db.get_value("Customer", customer.name, "balance") == 250
