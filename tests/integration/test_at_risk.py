"""At-Risk Customers: each customer listed with its reasons (low activity, late payments, revenue
falling quarter on quarter, no recent invoices), healthy customers left out, the reason filter, the
nightly mark on Customer that the list and the number card count, and only customers the user may
read."""

import frappe
import pytest
from frappe.desk.doctype.number_card.number_card import get_result
from frappe.utils import add_days, nowdate

from customer_lifecycle.analytics import segments
from customer_lifecycle.analytics.report.at_risk_customers.at_risk_customers import execute
from tests.factories import make_invoice, make_payment
from tests.helpers import as_user


def days_ago(n: int) -> str:
	return add_days(nowdate(), -n)


def add_note(customer: str) -> None:
	frappe.get_doc(
		{
			"doctype": "Customer Note",
			"customer": customer,
			"visibility": "Internal",
			"content": "Spoke to them",
		}
	).insert()


def reasons_by_customer(filters=None) -> dict[str, str]:
	return {row.customer: row.reasons for row in execute(filters or {})[1]}


@pytest.fixture
def dataset(active_customer):
	"""Four active customers, each at risk for its own reasons, and a healthy one."""
	late = active_customer()
	make_invoice(late.name, days_ago=40, due_in=10)  # 30 days overdue
	add_note(late.name)

	falling = active_customer()
	for posted, amount in ((120, 1000), (10, 100)):
		invoice = make_invoice(falling.name, items=((1, amount),), days_ago=posted)
		make_payment(
			falling.name, amount, allocations=[(invoice.name, amount)], posting_date=days_ago(posted)
		)

	quiet = active_customer()
	old = make_invoice(quiet.name, days_ago=200)
	make_payment(quiet.name, 100, allocations=[(old.name, 100)], posting_date=days_ago(200))

	paid_late = active_customer()
	invoice = make_invoice(paid_late.name, days_ago=50, due_in=20)
	make_payment(paid_late.name, 100, allocations=[(invoice.name, 100)])

	healthy = active_customer()
	invoice = make_invoice(healthy.name, days_ago=5)
	make_payment(healthy.name, 100, allocations=[(invoice.name, 100)])
	# the night passes: the report's default run lists whom the nightly job marked
	segments.update_segments()
	return frappe._dict(
		late=late.name, falling=falling.name, quiet=quiet.name, paid_late=paid_late.name, healthy=healthy.name
	)


def test_each_customer_is_listed_with_its_reasons(dataset):
	columns, rows = execute({})
	assert {"customer", "reasons", "reason_count", "last_activity_on", "overdue_amount"} <= {
		c["fieldname"] for c in columns
	}
	reasons = {row.customer: row.reasons for row in rows}
	assert reasons[dataset.late] == "Late payments"
	assert reasons[dataset.falling] == "Revenue falling"
	assert reasons[dataset.quiet] == "Low activity, No recent invoices"
	assert reasons[dataset.paid_late] == "Late payments"
	assert dataset.healthy not in reasons
	[late] = [row for row in rows if row.customer == dataset.late]
	assert (late.overdue_invoices, late.overdue_amount, late.reason_count) == (1, 100, 1)
	[falling] = [row for row in rows if row.customer == dataset.falling]
	assert (falling.revenue_this_quarter, falling.revenue_last_quarter) == (100, 1000)


def test_the_filters_narrow_the_list(dataset):
	by_reason = reasons_by_customer({"reason": "Revenue falling"})
	assert dataset.falling in by_reason and dataset.late not in by_reason
	# a fall of 90 % is not one of 95 % or more
	assert dataset.falling not in reasons_by_customer({"revenue_drop_percent": 95})
	# with a longer window the quiet customer's last invoice is recent enough
	assert reasons_by_customer({"no_invoice_days": 365})[dataset.quiet] == "Low activity"
	# another state: none of these active customers
	assert not {dataset.late, dataset.quiet} & set(reasons_by_customer({"lifecycle_status": "Prospect"}))
	with pytest.raises(frappe.ValidationError, match="Reason"):
		execute({"reason": "'; drop table tabCustomer; --"})


def test_the_default_run_lists_the_marked_customers_with_their_reasons_now(dataset):
	"""With the default thresholds the report reads the nightly mark (an index), then each marked
	customer's reasons as they are now: a quiet customer billed since the night drops out; one at
	risk since the night shows after the next night's job."""
	assert dataset.quiet in reasons_by_customer()
	make_invoice(dataset.quiet, days_ago=0)  # activity and a recent invoice
	assert dataset.quiet not in reasons_by_customer()
	later = frappe.get_doc("Customer", dataset.healthy)
	make_invoice(later.name, days_ago=40, due_in=10)  # overdue now, not marked yet
	assert dataset.healthy not in reasons_by_customer()
	assert dataset.healthy in reasons_by_customer({"revenue_drop_percent": 30})  # other thresholds: live
	segments.update_segments()
	assert reasons_by_customer()[dataset.healthy] == "Late payments"


def test_archived_customers_are_left_out(dataset):
	frappe.db.set_value("Customer", dataset.quiet, "archived", 1)
	assert dataset.quiet not in reasons_by_customer()


def card_count() -> int:
	card = frappe.get_doc("Number Card", "At-Risk Customers")
	return get_result(card.as_dict(), card.filters_json)


def test_the_nightly_segments_mark_who_is_listed_for_the_list_and_the_number_card(dataset):
	segments.update_segments()
	listed = set(reasons_by_customer())
	assert {dataset.late, dataset.quiet} <= listed and dataset.healthy not in listed
	assert set(frappe.get_all("Customer", filters={"at_risk": 1}, pluck="name")) == listed
	assert card_count() == len(listed)
	# the next night: a customer now owing on an overdue invoice is marked, one archived is not counted
	make_invoice(dataset.healthy, days_ago=40, due_in=10)
	frappe.db.set_value("Customer", dataset.quiet, "archived", 1)
	segments.update_segments()
	assert frappe.db.get_value("Customer", dataset.healthy, "at_risk") == 1
	assert frappe.db.get_value("Customer", dataset.quiet, "at_risk") == 0
	assert card_count() == len(listed)


@pytest.fixture
def user_permission(personas):
	"""Restrict the Customer User to the customers given; undone (with its cache) afterwards."""
	user = personas["user"]

	def restrict(customer):
		frappe.get_doc(
			{"doctype": "User Permission", "user": user, "allow": "Customer", "for_value": customer}
		).insert(ignore_permissions=True)

	yield restrict
	frappe.db.rollback()
	frappe.cache.hdel("user_permissions", user)


def test_only_customers_the_user_may_read(dataset, personas, user_permission):
	segments.update_segments()
	with as_user(personas["user"]):
		assert {dataset.late, dataset.quiet} <= set(reasons_by_customer())
	user_permission(dataset.late)
	with as_user(personas["user"]):
		assert set(reasons_by_customer()) == {dataset.late}
		assert card_count() == 1
	with as_user(personas["outsider"]), pytest.raises(frappe.PermissionError):
		execute({})
