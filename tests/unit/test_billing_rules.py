"""Billing arithmetic without a database: invoice status, oldest-first allocation, allocation
checks and aging buckets."""

from datetime import date
from decimal import Decimal
from itertools import pairwise

import pytest

from customer_lifecycle.billing import rules
from customer_lifecycle.billing.rules import OpenInvoice

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
	("docstatus", "total", "outstanding", "due", "status"),
	[
		(0, 100, 100, date(2026, 1, 1), "Draft"),
		(2, 100, 0, date(2026, 1, 1), "Cancelled"),
		(1, 100, 100, date(2026, 12, 1), "Unpaid"),
		(1, 100, 40, date(2026, 12, 1), "Partly Paid"),
		(1, 100, 0, date(2026, 1, 1), "Paid"),
		(1, 100, 0.004, date(2026, 12, 1), "Paid"),  # less than a cent
		(1, 100, 40, date(2026, 11, 22), "Overdue"),
		(1, 100, 100, TODAY, "Unpaid"),  # due today is not overdue yet
	],
)
def test_invoice_status(docstatus, total, outstanding, due, status):
	assert rules.invoice_status(docstatus, total, outstanding, due, TODAY) == status


def test_money_rounds_half_up_to_cents():
	assert rules.money(0.125) == Decimal("0.13")
	assert rules.money(None) == Decimal("0.00")
	assert rules.money(0.1) + rules.money(0.2) == Decimal("0.30")


def invoice(name, outstanding, due, posted=None):
	return OpenInvoice(name, Decimal(str(outstanding)), due, posted)


def test_allocate_pays_oldest_due_first_until_the_money_runs_out():
	invoices = [
		invoice("B", 100, date(2026, 10, 1)),
		invoice("A", 50, date(2026, 9, 1)),
		invoice("C", 70, date(2026, 11, 1)),
	]
	assert rules.allocate(120, invoices) == [("A", Decimal("50.00")), ("B", Decimal("70.00"))]
	assert rules.allocate(1000, invoices) == [("A", 50), ("B", 100), ("C", 70)]
	assert rules.allocate(0, invoices) == []


def test_allocate_ties_break_on_invoice_date_then_name_and_skips_paid():
	due = date(2026, 9, 1)
	invoices = [
		invoice("Z", 10, due, date(2026, 8, 1)),
		invoice("Y", 10, due, date(2026, 8, 2)),
		invoice("X", 10, due, date(2026, 8, 2)),
		invoice("P", 0, date(2026, 1, 1)),
	]
	assert [name for name, _ in rules.allocate(30, invoices)] == ["Z", "X", "Y"]


def test_allocate_never_splits_a_cent():
	shares = rules.allocate(
		Decimal("33.33"), [invoice("A", 10.005, date(2026, 1, 1)), invoice("B", 50, date(2026, 2, 1))]
	)
	assert shares == [("A", Decimal("10.01")), ("B", Decimal("23.32"))]
	assert sum(a for _, a in shares) == Decimal("33.33")


OUTSTANDING = {"A": 50, "B": 80}


def refusal(amount, allocations) -> tuple[str, str | None] | None:
	"""check_allocations' verdict on a payment of `amount` to invoices owing OUTSTANDING: None when it
	accepts the allocations, else the reason it refuses them and the invoice it names."""
	try:
		rules.check_allocations(amount, allocations, OUTSTANDING)
	except rules.AllocationError as error:
		return error.args[0], error.invoice
	return None


@pytest.mark.parametrize(
	("allocations", "reason", "row"),
	[
		([("A", 10), ("A", 5)], "allocated twice", "A"),
		([("A", 0)], "not positive", "A"),
		([("A", -1)], "not positive", "A"),
		([("Q", 1)], "not open", "Q"),
		([("A", 50.01)], "more than outstanding", "A"),
		([("A", 50), ("B", 51)], "more than amount", None),
	],
)
def test_check_allocations_refuses(allocations, reason, row):
	assert refusal(100, allocations) == (reason, row)


@pytest.mark.parametrize(
	("accepted", "a_cent_more", "reason", "row"),
	[
		# all an invoice owes, and the whole payment
		([("A", 50), ("B", 50)], [("A", 50.01), ("B", 50)], "more than outstanding", "A"),
		([("A", 50), ("B", 50)], [("A", 50), ("B", 50.01)], "more than amount", None),
		# part of what an invoice owes, and part of the payment
		([("B", 20)], [("B", 80.01)], "more than outstanding", "B"),
	],
)
def test_check_allocations_accepts_partial_and_exact(accepted, a_cent_more, reason, row):
	assert refusal(100, accepted) is None
	assert refusal(100, a_cent_more) == (reason, row)


def test_aging_buckets_cover_every_day_once():
	edges = [(first, last) for _label, first, last in rules.AGING_BUCKETS]
	assert edges[0][0] is None and edges[-1][1] is None
	for (_f, last), (first, _l) in pairwise(edges):
		assert first == last + 1
