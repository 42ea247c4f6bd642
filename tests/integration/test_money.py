"""The customer's money: the figures it carries, kept in the transaction of every submit and cancel
(checked against hand-computed values and against a recomputation from the records), retainers,
payment terms, receipts, and the currency every amount is in."""

from email import message_from_string

import frappe
import pytest
from frappe.utils import add_days, getdate, nowdate

from customer_lifecycle.billing import figures, receipts, retainers
from customer_lifecycle.billing.currency import default_currency
from customer_lifecycle.billing.rules import DAYS_AFTER_INVOICE, END_OF_MONTH_PLUS
from tests.factories import delete_customer, make_active_customer, make_invoice, make_payment
from tests.helpers import run_in_threads


def stored(customer: str) -> frappe._dict:
	return frappe.db.get_value("Customer", customer, list(figures.FIGURES), as_dict=True)


def assert_figures(customer: str, **expected):
	"""The stored figures are the expected ones, and what the records give."""
	row = stored(customer)
	for field, value in expected.items():
		assert figures.same(field, row[field], value), (field, row[field], value)
	recomputed = figures.recompute([customer]).get(customer) or figures.empty()
	assert all(figures.same(f, row[f], recomputed[f]) for f in figures.FIGURES), (dict(row), dict(recomputed))


def test_figures_follow_every_submit_and_cancel(active_customer):
	customer = active_customer().name
	assert_figures(
		customer, total_invoiced=0, total_paid=0, balance=0, invoice_count=0, last_payment_date=None
	)
	first = make_invoice(customer, items=((2, 150),), days_ago=40)
	second = make_invoice(customer, items=((1, 100),), days_ago=10)
	assert_figures(
		customer,
		total_invoiced=400,
		balance=400,
		invoice_count=2,
		first_invoice_date=first.posting_date,
		last_invoice_date=second.posting_date,
	)
	# a partial payment goes to the oldest invoice first
	payment = make_payment(customer, 350, posting_date=add_days(nowdate(), -5))
	assert_figures(customer, total_paid=350, balance=50, last_payment_date=getdate(add_days(nowdate(), -5)))
	assert frappe.db.get_value("Customer Invoice", first.name, "outstanding_amount") == 0
	payment.cancel()
	assert_figures(customer, total_paid=0, balance=400, last_payment_date=None)
	# cancel and amend an invoice: the amendment replaces it in every figure
	second.reload()
	second.cancel()
	assert_figures(
		customer, total_invoiced=300, balance=300, invoice_count=1, last_invoice_date=first.posting_date
	)
	amended = frappe.copy_doc(second)
	amended.amended_from = second.name
	amended.items[0].rate = 120
	amended.insert()
	amended.submit()
	assert_figures(
		customer, total_invoiced=420, balance=420, invoice_count=2, last_invoice_date=amended.posting_date
	)


def test_a_stale_form_never_writes_old_figures(active_customer):
	customer = active_customer()
	stale = frappe.get_doc("Customer", customer.name)
	make_invoice(customer.name, items=((1, 80),))
	stale.notes = "Saved from a form opened before the invoice"
	stale.save()
	assert_figures(customer.name, total_invoiced=80, balance=80, invoice_count=1)


def test_check_figures_finds_and_fixes_drift(active_customer):
	customer = active_customer().name
	make_invoice(customer, items=((1, 60),))
	assert not [row for row in figures.drift() if row[0] == customer]
	frappe.db.set_value("Customer", customer, "balance", 999, update_modified=False)
	assert [(f, float(s), float(a)) for c, f, s, a in figures.drift() if c == customer] == [
		("balance", 999.0, 60.0)
	]
	figures.drift(fix=True)
	assert_figures(customer, balance=60)


# --- retainers ---------------------------------------------------------------------------------


def test_a_deposit_raises_the_retainer_and_invoices_draw_from_it(active_customer):
	customer = active_customer().name
	deposit = make_payment(customer, 500, is_retainer_deposit=1)
	assert deposit.allocations == [] and deposit.unallocated_amount == 500
	assert_figures(customer, retainer_balance=500, total_paid=500, balance=0)
	drawn = make_invoice(customer, items=((1, 300),), draw_from_retainer=1)
	assert (drawn.retainer_drawn, drawn.outstanding_amount, drawn.status) == (300, 0, "Paid")
	assert_figures(customer, retainer_balance=200, total_invoiced=300, balance=0)
	# more than is left: the retainer pays what it holds, the rest is owed
	partly = make_invoice(customer, items=((1, 450),), draw_from_retainer=1)
	assert (partly.retainer_drawn, partly.outstanding_amount, partly.status) == (200, 250, "Partly Paid")
	assert_figures(customer, retainer_balance=0, balance=250)
	# an invoice that does not ask draws nothing
	plain = make_invoice(customer, items=((1, 10),))
	assert plain.retainer_drawn == 0
	# cancelling gives the money back
	partly.cancel()
	assert_figures(customer, retainer_balance=200, balance=10)
	# a deposit whose money was drawn cannot be cancelled
	with pytest.raises(frappe.ValidationError, match="drawn"):
		deposit.cancel()
	assert frappe.db.get_value("Customer Payment", deposit.name, "docstatus") == 1


def test_two_invoices_submitted_at_once_never_draw_the_same_retainer_money(site):
	"""A retainer of 100 and two drafts of 80 that ask to draw from it, submitted from connections of
	their own that meet where the submit locks the customer: one draws 80, the other the 20 left."""
	customer = make_active_customer().name
	make_payment(customer, 100, is_retainer_deposit=1)
	drafts = [
		make_invoice(customer, items=((1, 80),), draw_from_retainer=1, submit=False).name for _ in range(2)
	]
	frappe.db.commit()
	try:
		race = run_in_threads(
			site,
			lambda i: frappe.get_doc("Customer Invoice", drafts[i]).submit(),
			meet_in=(retainers, "lock_customer"),
		)
		assert race.overlapped() and race.took_turns(), race
		assert race.outcomes == ["ok", "ok"], race
		frappe.db.rollback()
		drawn = sorted(frappe.db.get_value("Customer Invoice", name, "retainer_drawn") for name in drafts)
		assert drawn == [20, 80]
		assert_figures(customer, retainer_balance=0, total_invoiced=160, balance=60)
	finally:
		frappe.db.rollback()
		delete_customer(customer)


def test_a_low_retainer_is_told_once(active_customer, personas):
	customer = active_customer(retainer_threshold=100).name

	def alerts():
		return frappe.db.count(
			"Notification Log", {"document_name": customer, "subject": ("like", "%retainer%")}
		)

	before = alerts()
	make_payment(customer, 150, is_retainer_deposit=1)
	assert alerts() == before
	make_invoice(customer, items=((1, 80),), draw_from_retainer=1)  # 70 left, below 100
	assert alerts() > before
	told = alerts()
	make_invoice(customer, items=((1, 20),), draw_from_retainer=1)  # still below: told already
	assert alerts() == told
	make_payment(customer, 200, is_retainer_deposit=1)  # above again
	make_invoice(customer, items=((1, 200),), draw_from_retainer=1)  # below again: told again
	assert alerts() > told


# --- terms -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
	("terms", "days", "posting", "due"),
	[
		(DAYS_AFTER_INVOICE, 14, "2026-03-20", "2026-04-03"),
		(END_OF_MONTH_PLUS, 0, "2026-03-20", "2026-03-31"),
		(END_OF_MONTH_PLUS, 15, "2026-12-20", "2027-01-15"),
		(None, None, "2026-03-20", "2026-04-19"),
	],
)
def test_the_due_date_follows_the_customers_terms(active_customer, terms, days, posting, due):
	customer = active_customer(payment_terms=terms, payment_terms_days=days).name
	invoice = frappe.get_doc(
		{
			"doctype": "Customer Invoice",
			"customer": customer,
			"posting_date": posting,
			"items": [{"description": "Work", "qty": 1, "rate": 10}],
		}
	).insert()
	assert str(invoice.due_date) == due


def test_the_category_gives_terms_to_customers_without_their_own(active_customer):
	category = frappe.get_doc(
		{
			"doctype": "Customer Category",
			"category_name": f"Terms {frappe.generate_hash(length=6)}",
			"payment_terms": END_OF_MONTH_PLUS,
			"payment_terms_days": 10,
		}
	).insert()
	customer = active_customer(customer_category=category.name).name
	invoice = make_invoice(customer, submit=False, posting_date="2026-02-03", due_date=None)
	assert str(invoice.due_date) == "2026-03-10"


# --- receipts ----------------------------------------------------------------------------------


def queued_to(reference: str) -> list:
	return frappe.get_all(
		"Email Queue", filters={"reference_name": reference}, fields=["name", "message", "attachments"]
	)


def test_a_payment_sends_a_receipt_with_its_pdf(active_customer, outgoing_email):
	customer = active_customer()
	invoice = make_invoice(customer.name, items=((1, 100),))
	payment = make_payment(customer.name, 100)
	receipts.send_receipt(payment.name)
	[email] = queued_to(payment.name)
	assert f"Receipt for your payment {payment.name}" in email.message and invoice.name in email.message
	[pdf] = [
		part
		for part in message_from_string(email.message).walk()
		if part.get_content_type() == "application/pdf"
	]
	assert pdf.get_filename() == f"{payment.name}.pdf" and pdf.get_payload(decode=True).startswith(b"%PDF")
	assert frappe.db.exists(
		"Customer Note", {"customer": customer.name, "content": ("like", f"%Receipt for {payment.name}%")}
	)


def test_no_receipt_for_a_customer_who_opted_out(active_customer, outgoing_email):
	customer = active_customer(receipt_opt_out=1)
	make_invoice(customer.name, items=((1, 100),))
	payment = make_payment(customer.name, 100)
	receipts.send_receipt(payment.name)
	assert queued_to(payment.name) == []


# --- currency ----------------------------------------------------------------------------------


def test_money_is_in_the_firms_currency_unless_the_customer_has_its_own(active_customer):
	assert default_currency() == "GBP"  # the test site is in the United Kingdom
	customer = active_customer()
	assert customer.currency == "GBP"
	invoice = make_invoice(customer.name, items=((1, 100),))
	assert invoice.currency == "GBP" and "£" in invoice.get_formatted("total")
	frappe.db.set_value("Currency", "EUR", "enabled", 1)
	euro = active_customer(currency="EUR")
	euro_invoice = make_invoice(euro.name, items=((1, 100),))
	assert euro_invoice.currency == "EUR" and "€" in euro_invoice.get_formatted("total")
	# the currency cannot change once money is recorded in it
	euro.reload()
	euro.currency = "GBP"
	with pytest.raises(frappe.ValidationError, match="Currency"):
		euro.save()


# --- the form's tables -------------------------------------------------------------------------


def test_the_invoices_tab_pages_newest_first_with_the_count(active_customer):
	from customer_lifecycle.api.billing import customer_records

	customer = active_customer().name
	made = [make_invoice(customer, items=((1, 10 + i),), days_ago=30 - i).name for i in range(25)]
	first = customer_records(customer, "invoices")
	assert first["total"] == 25 and [r.name for r in first["rows"]] == made[::-1][:20]
	second = customer_records(customer, "invoices", start=20)
	assert [r.name for r in second["rows"]] == made[::-1][20:]
	assert all(r.currency == "GBP" for r in first["rows"])
	with pytest.raises(frappe.ValidationError, match="ledger"):
		customer_records(customer, "secrets")


def test_the_payments_tab_names_the_invoices_each_payment_paid(active_customer):
	from customer_lifecycle.api.billing import customer_records

	customer = active_customer().name
	older = make_invoice(customer, items=((1, 50),), days_ago=20)
	newer = make_invoice(customer, items=((1, 50),), days_ago=10)
	make_payment(customer, 80)
	deposit = make_payment(customer, 30, is_retainer_deposit=1)
	rows = customer_records(customer, "payments")["rows"]
	by_name = {r.name: r for r in rows}
	assert by_name[deposit.name].is_retainer_deposit and by_name[deposit.name].invoices == []
	[paying] = [r for r in rows if not r.is_retainer_deposit]
	assert [(p["invoice"], p["allocated_amount"]) for p in paying.invoices] == [
		(older.name, 50),
		(newer.name, 30),
	]


def test_a_payment_recorded_against_one_invoice_pays_that_invoice(active_customer):
	from customer_lifecycle.api.billing import record_payment

	customer = active_customer().name
	older = make_invoice(customer, items=((1, 50),), days_ago=20)
	newer = make_invoice(customer, items=((1, 70),), days_ago=10)
	result = record_payment(customer, 70, invoice=newer.name)
	assert result["balance"] == 50 and result["currency"] == "GBP"
	assert frappe.db.get_value("Customer Invoice", newer.name, "outstanding_amount") == 0
	assert frappe.db.get_value("Customer Invoice", older.name, "outstanding_amount") == 50
