"""Customer segments computed by the nightly job into read-only, indexed Customer fields: revenue by
thresholds and by percentiles, activity, payment behaviour and the last activity date; only what
changed is written, `modified` is left alone, and the list filters and sorts by them."""

import frappe
import pytest
from frappe.utils import add_days, getdate, now_datetime, nowdate

from customer_lifecycle.analytics import segments
from customer_lifecycle.utils.doctypes import SETTINGS
from tests.factories import make_invoice, make_payment
from tests.helpers import as_user

FIELDS = ["revenue_segment", "activity_segment", "payment_segment", "last_activity_on"]


@pytest.fixture
def settings(site):
	"""Customer Lifecycle Settings to change for one test; put back (with its Redis cache) after."""
	doc = frappe.get_single(SETTINGS)
	yield doc
	frappe.db.rollback()
	frappe.clear_document_cache(SETTINGS, SETTINGS)


@pytest.fixture
def thresholds(settings):
	settings.update(
		{"revenue_segment_basis": "Thresholds", "revenue_high_threshold": 1000, "revenue_low_threshold": 100}
	)
	settings.save()
	return settings


def backdate_creation(customer: str, days: int) -> None:
	frappe.db.set_value(
		"Customer", customer, "creation", add_days(now_datetime(), -days), update_modified=False
	)


def segments_of(customer: str) -> dict:
	"""The customer's segment fields; an empty one as None."""
	values = frappe.db.get_value("Customer", customer, FIELDS, as_dict=True)
	return {field: values[field] or None for field in FIELDS}


def test_segments_by_thresholds(thresholds, active_customer, make_customer):
	today = getdate(nowdate())
	high = active_customer()
	paid = make_invoice(high.name, items=((3, 500),), days_ago=10)
	make_payment(high.name, 1500, allocations=[(paid.name, 1500)])

	partial = active_customer()
	half = make_invoice(partial.name, items=((1, 500),), days_ago=5)
	make_payment(partial.name, 200, allocations=[(half.name, 200)])

	overdue = active_customer()
	make_invoice(overdue.name, items=((1, 50),), days_ago=70)
	backdate_creation(overdue.name, 400)

	paid_late = active_customer()
	late = make_invoice(paid_late.name, items=((1, 300),), days_ago=50, due_in=20)
	make_payment(paid_late.name, 300, allocations=[(late.name, 300)])

	quiet = make_customer()
	backdate_creation(quiet.name, 400)

	result = segments.update_segments()
	assert result["changed"] >= 5

	assert segments_of(high.name) == {
		"revenue_segment": "High",
		"activity_segment": "New",
		"payment_segment": "On Time",
		"last_activity_on": today,
	}
	assert segments_of(partial.name)["revenue_segment"] == "Medium"
	assert segments_of(partial.name)["payment_segment"] == "Partial"
	assert segments_of(overdue.name) == {
		"revenue_segment": "Low",
		"activity_segment": "Inactive",
		"payment_segment": "Late",
		"last_activity_on": getdate(add_days(today, -70)),
	}
	assert segments_of(paid_late.name)["payment_segment"] == "Late"
	assert segments_of(quiet.name) == {
		"revenue_segment": "Low",
		"activity_segment": "Inactive",
		"payment_segment": None,
		"last_activity_on": None,
	}

	# a note is activity
	frappe.get_doc(
		{"doctype": "Customer Note", "customer": quiet.name, "visibility": "Internal", "content": "Hello"}
	).insert()
	modified = frappe.db.get_value("Customer", quiet.name, "modified")
	assert segments.update_segments()["changed"] == 1
	assert segments_of(quiet.name)["activity_segment"] == "Active"
	assert segments_of(quiet.name)["last_activity_on"] == today
	# derived values: the customer's modified stays
	assert frappe.db.get_value("Customer", quiet.name, "modified") == modified

	# nothing changed since: nothing is written
	assert segments.update_segments()["changed"] == 0


def test_segments_by_percentiles(settings, active_customer):
	assert settings.revenue_segment_basis == "Percentiles"
	# with five or more customers earning, the largest is in the top 20 % and the smallest in the
	# bottom 40 %, whatever else the site holds
	big, small = active_customer(), active_customer()
	make_invoice(big.name, items=((1, 100_000_000),))
	make_invoice(small.name, items=((1, 0.01),))
	for _i in range(3):
		make_invoice(active_customer().name, items=((1, 100),))
	segments.update_segments()
	assert segments_of(big.name)["revenue_segment"] == "High"
	assert segments_of(small.name)["revenue_segment"] == "Low"


def test_invoices_outside_the_revenue_period_do_not_count(thresholds, active_customer):
	customer = active_customer()
	make_invoice(customer.name, items=((1, 5000),), days_ago=400)
	segments.update_segments()
	assert segments_of(customer.name)["revenue_segment"] == "Low"
	assert segments_of(customer.name)["payment_segment"] is None
	assert segments_of(customer.name)["last_activity_on"] == getdate(add_days(nowdate(), -400))


def test_the_list_filters_and_sorts_by_segments(thresholds, active_customer, personas):
	customer = active_customer()
	make_invoice(customer.name, items=((1, 2000),))
	segments.update_segments()
	with as_user(personas["user"]):
		high = frappe.get_list(
			"Customer",
			filters={"revenue_segment": "High", "payment_segment": "On Time"},
			order_by="last_activity_on desc",
			pluck="name",
			limit_page_length=0,
		)
	assert customer.name in high
	meta = frappe.get_meta("Customer")
	for field in ("revenue_segment", "activity_segment", "payment_segment"):
		df = meta.get_field(field)
		assert (df.read_only, df.in_standard_filter, df.search_index, df.bold) == (1, 1, 1, 1)
		assert frappe.db.sql("show index from `tabCustomer` where Column_name = %s", field)


def test_cut_offs_that_cannot_work_are_refused_naming_the_fields(settings):
	settings.revenue_segment_basis = "Thresholds"
	settings.revenue_high_threshold, settings.revenue_low_threshold = 100, 1000
	with pytest.raises(
		frappe.ValidationError, match=r"Low Below Revenue.*cannot be above.*High From Revenue"
	):
		segments.validate_settings(settings)
	settings.revenue_segment_basis = "Percentiles"
	settings.revenue_high_percentile, settings.revenue_low_percentile = 120, 40
	with pytest.raises(frappe.ValidationError, match="between 0 and 100"):
		segments.validate_settings(settings)
	settings.revenue_high_percentile = 80
	settings.save()  # its validate checks the cut-offs
	stored = [frappe.db.get_single_value(SETTINGS, f"revenue_{cut}_percentile") for cut in ("high", "low")]
	assert stored == [80, 40]
