"""Invoices and payments: who may be billed, rates, totals, allocation oldest first or by hand,
cancel, the records kept, and two payments at the same moment never over-allocating an invoice."""

import uuid

import frappe
import pytest
from frappe.utils import add_days, flt, nowdate

from customer_lifecycle.api.lifecycle import apply_action
from customer_lifecycle.billing import invoices as invoice_locks
from customer_lifecycle.billing.gate import NotBillableError
from customer_lifecycle.billing.payments import OverAllocationError
from tests.factories import delete_customer, make_invoice, make_payment
from tests.helpers import as_user, run_in_threads


def state(customer):
	return frappe.db.get_value("Customer", customer, "lifecycle_status")


def invoice_row(name):
	return frappe.db.get_value(
		"Customer Invoice", name, ["outstanding_amount", "status", "docstatus"], as_dict=True
	)


def balance(customer):
	return flt(
		frappe.db.sql(
			"select sum(outstanding_amount) from `tabCustomer Invoice` where customer=%s and docstatus=1",
			customer,
		)[0][0]
	)


# who may be billed


def test_prospect_cannot_get_an_invoice_or_engagement(make_customer):
	customer = make_customer()
	with pytest.raises(NotBillableError, match="Prospect"):
		make_invoice(customer.name, submit=False)
	with pytest.raises(NotBillableError, match="Prospect"):
		frappe.get_doc({"doctype": "Engagement", "customer": customer.name, "title": "Audit"}).insert()
	assert not frappe.db.exists("Customer Invoice", {"customer": customer.name})


def test_billable_states_come_from_settings(make_customer):
	customer = make_customer()
	apply_action(customer.name, "Start Onboarding")
	with pytest.raises(NotBillableError, match="Onboarding"):
		make_invoice(customer.name, submit=False)
	settings = frappe.get_single("Customer Lifecycle Settings")
	settings.append("billable_states", {"state": "Onboarding"})
	settings.save()
	assert make_invoice(customer.name).status == "Unpaid"


def test_a_draft_cannot_be_submitted_once_the_customer_left_the_billable_states(active_customer):
	customer = active_customer()
	invoice = make_invoice(customer.name, submit=False)
	apply_action(customer.name, "Mark Dormant")
	with pytest.raises(NotBillableError, match="Dormant"):
		invoice.submit()
	assert invoice_row(invoice.name).docstatus == 0


# invoices


def test_invoice_totals_status_and_default_due_date(active_customer):
	customer = active_customer()
	invoice = frappe.get_doc(
		{
			"doctype": "Customer Invoice",
			"customer": customer.name,
			"items": [
				{"description": "Audit", "qty": 3, "rate": 33.335},
				{"description": "Filing", "qty": 1, "rate": 10},
			],
		}
	).insert()
	assert [row.amount for row in invoice.items] == [100.01, 10]
	assert (invoice.total, invoice.outstanding_amount, invoice.status) == (110.01, 110.01, "Draft")
	assert str(invoice.due_date) == add_days(nowdate(), 30)
	invoice.submit()
	assert (invoice_row(invoice.name).status, invoice_row(invoice.name).outstanding_amount) == (
		"Unpaid",
		110.01,
	)


def test_bad_rows_are_refused_naming_the_field(active_customer):
	customer = active_customer()
	with pytest.raises(frappe.ValidationError, match="Quantity"):
		make_invoice(customer.name, items=((0, 10),), submit=False)
	with pytest.raises(frappe.ValidationError, match="Rate"):
		make_invoice(customer.name, items=((1, -5),), submit=False)
	with pytest.raises(frappe.ValidationError, match="Total"):
		make_invoice(customer.name, items=((1, 0),))


def test_customer_rate_wins_over_category_rate(active_customer):
	customer = active_customer(customer_category="Wholesale")
	other = active_customer(customer_category="Wholesale")
	code = f"HR-{uuid.uuid4().hex[:6]}"
	frappe.get_doc(
		{
			"doctype": "Customer Rate",
			"item_code": code,
			"customer_category": "Wholesale",
			"rate": 80,
			"description": "Hour",
		}
	).insert()
	frappe.get_doc(
		{"doctype": "Customer Rate", "item_code": code, "customer": customer.name, "rate": 65}
	).insert()

	def rate_for(c):
		doc = frappe.get_doc(
			{"doctype": "Customer Invoice", "customer": c, "items": [{"item_code": code, "qty": 2}]}
		).insert()
		return doc.items[0].rate, doc.total, doc.items[0].description

	assert rate_for(customer.name) == (65, 130, code)
	assert rate_for(other.name) == (80, 160, "Hour")
	with pytest.raises(frappe.DuplicateEntryError):
		frappe.get_doc(
			{"doctype": "Customer Rate", "item_code": code, "customer": customer.name, "rate": 1}
		).insert()
	with pytest.raises(frappe.ValidationError, match="Customer Category"):
		frappe.get_doc({"doctype": "Customer Rate", "item_code": code, "rate": 1}).insert()


def test_engagement_of_another_customer_is_refused(active_customer):
	customer, other = active_customer(), active_customer()
	engagement = frappe.get_doc({"doctype": "Engagement", "customer": other.name, "title": "Audit"}).insert()
	with pytest.raises(frappe.ValidationError, match=engagement.name):
		make_invoice(customer.name, submit=False, engagement=engagement.name)


# payments


def test_payment_pays_oldest_first_and_cancel_restores(active_customer):
	customer = active_customer()
	newer = make_invoice(customer.name, items=((1, 100),), days_ago=5)
	older = make_invoice(customer.name, items=((1, 50),), days_ago=40)  # overdue: due 10 days ago
	assert invoice_row(older.name).status == "Overdue"
	payment = make_payment(customer.name, 80)
	assert [(a.invoice, a.allocated_amount) for a in payment.allocations] == [
		(older.name, 50),
		(newer.name, 30),
	]
	assert (invoice_row(older.name).outstanding_amount, invoice_row(older.name).status) == (0, "Paid")
	assert (invoice_row(newer.name).outstanding_amount, invoice_row(newer.name).status) == (70, "Partly Paid")
	assert balance(customer.name) == 70
	payment.cancel()
	assert (invoice_row(older.name).outstanding_amount, invoice_row(older.name).status) == (50, "Overdue")
	assert (invoice_row(newer.name).outstanding_amount, invoice_row(newer.name).status) == (100, "Unpaid")
	assert balance(customer.name) == 150


def test_payment_larger_than_balance_keeps_the_rest_unallocated(active_customer):
	customer = active_customer()
	invoice = make_invoice(customer.name, items=((1, 40),))
	payment = make_payment(customer.name, 100)
	assert (payment.allocated_amount, payment.unallocated_amount) == (40, 60)
	assert invoice_row(invoice.name).status == "Paid"
	assert balance(customer.name) == 0


def test_allocations_edited_by_hand_are_checked(active_customer):
	customer, other = active_customer(), active_customer()
	first = make_invoice(customer.name, items=((1, 100),), days_ago=10)
	second = make_invoice(customer.name, items=((1, 100),))
	foreign = make_invoice(other.name, items=((1, 100),))
	draft = make_invoice(customer.name, submit=False)

	payment = make_payment(customer.name, 60, allocations=[(second.name, 60)])
	assert invoice_row(second.name).outstanding_amount == 40
	assert invoice_row(first.name).outstanding_amount == 100

	for allocations, amount, message in (
		([(second.name, 50)], 50, "more than it owes"),
		([(first.name, 60)], 50, "more than the payment's amount"),
		([(first.name, 10), (first.name, 10)], 50, "allocated twice"),
		([(foreign.name, 10)], 50, "not a submitted invoice of this customer"),
		([(draft.name, 10)], 50, "not a submitted invoice of this customer"),
		([(first.name, 0)], 50, "must be more than 0"),
	):
		with pytest.raises(OverAllocationError, match=message):
			make_payment(customer.name, amount, allocations=allocations)
	assert payment.docstatus == 1
	assert balance(customer.name) == 140


def test_invoice_with_a_payment_cannot_be_cancelled_and_submitted_records_are_kept(active_customer):
	customer = active_customer()
	invoice = make_invoice(customer.name)
	payment = make_payment(customer.name, 30)
	frappe.db.savepoint("cancel")
	with pytest.raises(frappe.LinkExistsError):
		frappe.get_doc("Customer Invoice", invoice.name).cancel()
	# as a request would, undo what the refused cancel wrote
	frappe.db.rollback(save_point="cancel")
	assert invoice_row(invoice.name).docstatus == 1
	for doctype, name in (("Customer Invoice", invoice.name), ("Customer Payment", payment.name)):
		with pytest.raises((frappe.ValidationError, frappe.PermissionError), match=r"cannot be deleted|kept"):
			frappe.delete_doc(doctype, name)
	payment.cancel()
	with pytest.raises(frappe.PermissionError):
		frappe.delete_doc("Customer Payment", payment.name)
	invoice.reload()
	invoice.cancel()
	assert (invoice_row(invoice.name).status, invoice_row(invoice.name).outstanding_amount) == (
		"Cancelled",
		0,
	)
	with pytest.raises(frappe.PermissionError):
		frappe.delete_doc("Customer Invoice", invoice.name)


def test_customer_user_makes_drafts_but_cannot_submit(active_customer, personas):
	customer = active_customer()
	with as_user(personas["user"]):
		invoice = make_invoice(customer.name, submit=False)
		with pytest.raises(frappe.PermissionError):
			invoice.submit()
	with as_user(personas["manager"]):
		frappe.get_doc("Customer Invoice", invoice.name).submit()
	assert invoice_row(invoice.name).status == "Unpaid"
	with as_user(personas["outsider"]), pytest.raises(frappe.PermissionError):
		frappe.get_doc("Customer Invoice", invoice.name).check_permission("read")


def test_mark_overdue_moves_unpaid_invoices_past_due(active_customer):
	from customer_lifecycle.billing.invoices import mark_overdue

	customer = active_customer()
	invoice = make_invoice(customer.name, days_ago=5, due_in=10)
	frappe.db.set_value("Customer Invoice", invoice.name, "due_date", add_days(nowdate(), -1))
	mark_overdue()
	assert invoice_row(invoice.name).status == "Overdue"


# two payments at the same moment


def submit_concurrently(site, customer, allocations_per_payment):
	"""Save one draft payment per entry, then submit them from connections of their own, which meet
	where the submit locks the customer's invoices (each has read them for its preview by then)."""
	drafts = [
		make_payment(customer, amount, allocations=allocations, submit=False).name
		for amount, allocations in allocations_per_payment
	]
	frappe.db.commit()
	return run_in_threads(
		site,
		lambda i: frappe.get_doc("Customer Payment", drafts[i]).submit(),
		len(drafts),
		meet_in=(invoice_locks, "lock_open_invoices"),
	)


@pytest.fixture
def committed_customer(active_customer):
	"""An active customer with two submitted invoices, committed so that other connections see them;
	removed (with its payments and invoices) afterwards."""
	customer = active_customer()
	invoices = [make_invoice(customer.name, items=((1, 100),), days_ago=d) for d in (20, 10)]
	frappe.db.commit()
	yield customer, [i.name for i in invoices]
	frappe.db.rollback()
	delete_customer(customer.name)


def test_concurrent_payments_for_one_invoice_allocate_it_once(site, committed_customer):
	customer, (first, _second) = committed_customer
	race = submit_concurrently(site, customer.name, [(100, [(first, 100)]), (100, [(first, 100)])])
	assert race.overlapped() and race.took_turns(), race
	assert sorted(race.outcomes) == ["OverAllocationError", "ok"], race
	assert invoice_row(first).outstanding_amount == 0
	paid = frappe.get_all(
		"Customer Payment Allocation",
		filters={"invoice": first, "docstatus": 1},
		pluck="allocated_amount",
	)
	assert paid == [100]


def test_concurrent_oldest_first_payments_never_over_allocate(site, committed_customer):
	customer, (first, second) = committed_customer
	race = submit_concurrently(site, customer.name, [(150, None), (150, None)])
	assert race.overlapped() and race.took_turns(), race
	assert race.outcomes == ["ok", "ok"], race
	assert invoice_row(first).outstanding_amount == 0
	assert invoice_row(second).outstanding_amount == 0
	allocated = frappe.get_all(
		"Customer Payment Allocation",
		filters={"invoice": ("in", [first, second]), "docstatus": 1},
		fields=["invoice", "sum(allocated_amount) as paid"],
		group_by="invoice",
	)
	assert {row.invoice: row.paid for row in allocated} == {first: 100, second: 100}
	unallocated = frappe.get_all(
		"Customer Payment", filters={"customer": customer.name}, pluck="unallocated_amount"
	)
	assert sorted(unallocated) == [0, 100]


# receivables aging


def test_receivables_aging_buckets_by_due_date(active_customer):
	from customer_lifecycle.billing.report.receivables_aging.receivables_aging import execute

	customer, other = active_customer(customer_category="VIP"), active_customer(customer_category="Retail")
	# due 10, 45, 75 and 120 days ago, and not yet due
	for overdue, amount in ((10, 1), (45, 2), (75, 4), (120, 8), (-5, 16)):
		make_invoice(customer.name, items=((1, amount),), days_ago=overdue + 30)
	make_invoice(other.name, items=((1, 1000),), days_ago=200)
	paid = make_invoice(customer.name, items=((1, 500),), days_ago=200)
	make_payment(customer.name, 8, allocations=[(paid.name, 8)])  # partly paid: 492 left, 170 days overdue

	columns, rows = execute({"customer": customer.name})
	assert [c["fieldname"] for c in columns][4:8] == ["age_0_30", "age_31_60", "age_61_90", "age_90_plus"]
	[row] = rows
	assert (row.invoices, row.outstanding) == (6, 523)
	assert (row.age_0_30, row.age_31_60, row.age_61_90, row.age_90_plus) == (17, 2, 4, 500)

	_columns, by_category = execute({"customer_category": "VIP"})
	assert customer.name in {r.customer for r in by_category}
	assert other.name not in {r.customer for r in by_category}

	# by invoice date the not-yet-due invoice is 25 days old, the others 30 days older than overdue
	_columns, [by_invoice_date] = execute({"customer": customer.name, "age_by": "Invoice Date"})
	buckets = ("age_0_30", "age_31_60", "age_61_90", "age_90_plus")
	assert tuple(by_invoice_date[b] for b in buckets) == (16, 1, 2, 504)


def test_receivables_aging_needs_invoice_read(personas):
	from customer_lifecycle.billing.report.receivables_aging.receivables_aging import execute

	with as_user(personas["outsider"]), pytest.raises(frappe.PermissionError):
		execute({})


# payment reminders


def test_reminders_go_to_overdue_invoices_of_customers_who_did_not_opt_out(active_customer, outgoing_email):
	from customer_lifecycle.api.billing import send_payment_reminders
	from customer_lifecycle.billing.reminders import REMINDER_TEMPLATE

	assert frappe.db.exists("Email Template", REMINDER_TEMPLATE)
	reminded = active_customer()
	opted_out = active_customer(payment_reminders_opt_out=1)
	no_email = active_customer(email=None)
	overdue = make_invoice(reminded.name, items=((1, 75),), days_ago=40)
	not_due = make_invoice(reminded.name, days_ago=1)
	skipped_opt_out = make_invoice(opted_out.name, days_ago=40)
	skipped_no_email = make_invoice(no_email.name, days_ago=40)

	result = send_payment_reminders(
		frappe.as_json([overdue.name, not_due.name, skipped_opt_out.name, skipped_no_email.name])
	)
	assert result["sent"] == [overdue.name]
	assert {s["invoice"]: s["reason"] for s in result["skipped"]} == {
		not_due.name: "not overdue",
		skipped_opt_out.name: "the customer opted out of payment reminders",
		skipped_no_email.name: "the customer has no email address",
	}
	[email] = frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": "Customer Invoice", "reference_name": overdue.name},
		pluck="name",
	)
	queued = frappe.get_doc("Email Queue", email)
	assert [r.recipient for r in queued.recipients] == [reminded.email]
	assert f"{overdue.name} is 10 days overdue" in queued.message
	[note] = frappe.get_all(
		"Customer Note", filters={"customer": reminded.name}, fields=["content", "visibility"]
	)
	assert note.visibility == "Internal"
	assert overdue.name in note.content
	assert not frappe.get_all("Customer Note", filters={"customer": ("in", [opted_out.name, no_email.name])})


def test_reminders_need_email_right_on_invoices(active_customer, personas):
	from customer_lifecycle.api.billing import send_payment_reminders

	customer = active_customer()
	invoice = make_invoice(customer.name, days_ago=40)
	with as_user(personas["outsider"]), pytest.raises(frappe.PermissionError):
		send_payment_reminders([invoice.name])


# print formats


def test_invoice_and_receipt_print_formats(active_customer):
	customer = active_customer()
	invoice = make_invoice(customer.name, items=((2, 60),), notes="Thank you for your business")
	payment = make_payment(customer.name, 50, reference="BANK-REF-7")
	assert frappe.get_meta("Customer Invoice").default_print_format == "Invoice"
	html = frappe.get_print("Customer Invoice", invoice.name, "Invoice")
	for text in (
		invoice.name,
		customer.customer_name,
		"Work 0",
		"120.00",
		"70.00",
		"Thank you for your business",
	):
		assert text in html
	receipt = frappe.get_print("Customer Payment", payment.name, "Payment Receipt")
	for text in ("Payment Receipt", payment.name, "BANK-REF-7", invoice.name, "50.00"):
		assert text in receipt


# over HTTP

API = "/api/method/customer_lifecycle.api.billing"


def test_http_writes_are_post_only_and_recording_needs_submit_right(http, base_url):
	r = http("manager").get(f"{base_url}{API}.record_payment", params={"customer": "CUST-X", "amount": 1})
	assert r.status_code == 403, r.text
	r = http("user").post(f"{base_url}{API}.record_payment", data={"customer": "CUST-X", "amount": 1})
	assert r.status_code == 403, r.text
	r = http("outsider").post(f"{base_url}{API}.mark_delivered", data={"names": '["ENG-X"]'})
	assert r.status_code in (403, 404), r.text
	r = http(None).get(f"{base_url}{API}.open_invoices", params={"customer": "CUST-X"})
	assert r.status_code == 403, r.text
