"""Segments, dormancy and risk rules without a database: revenue cut-offs by thresholds and by
percentiles, activity and payment behaviour, the dormancy decision both ways, and risk reasons."""

from datetime import date, datetime, timedelta

import pytest

from customer_lifecycle.analytics import segment_rules as rules

TODAY = date(2026, 11, 23)
ACTIVE, DORMANT = "Live", "Sleeping"  # whatever the settings name them


def days_ago(n: int) -> date:
	return TODAY - timedelta(days=n)


def at(day: date, hour: int = 12) -> datetime:
	return datetime(day.year, day.month, day.day, hour)


@pytest.mark.parametrize(
	("revenue", "segment"),
	[(0, "Low"), (99.99, "Low"), (100, "Medium"), (999, "Medium"), (1000, "High"), (50_000, "High")],
)
def test_revenue_by_thresholds(revenue, segment):
	cutoffs = rules.revenue_cutoffs(rules.THRESHOLDS, [1, 2, 3], high=1000, low=100)
	assert cutoffs == (1000, 100)
	assert rules.revenue_segment(revenue, cutoffs) == segment


def test_revenue_by_percentiles_ignores_customers_without_revenue():
	revenues = [0.0] * 50 + [float(v) for v in range(1, 11)]
	cutoffs = rules.revenue_cutoffs(rules.PERCENTILES, revenues, high=80, low=40)
	# the top 20 % (9, 10) are High, the bottom 40 % (1 to 4) and those without revenue Low
	assert cutoffs == (9.0, 5.0)
	segments = [rules.revenue_segment(v, cutoffs) for v in range(0, 11)]
	assert segments == ["Low"] * 5 + ["Medium"] * 4 + ["High"] * 2


def test_percentiles_with_ties_and_few_customers():
	# ties at a percentile's value stay below it: nobody is High when all earn the same
	cutoffs = rules.revenue_cutoffs(rules.PERCENTILES, [5.0] * 10, high=80, low=40)
	assert [rules.revenue_segment(5.0, cutoffs)] == ["Low"]
	# two customers: the top 20 % is nobody, the bottom 40 % the smaller one
	cutoffs = rules.revenue_cutoffs(rules.PERCENTILES, [1.0, 100.0], high=80, low=40)
	assert [rules.revenue_segment(v, cutoffs) for v in (1.0, 100.0)] == ["Low", "Medium"]


def test_percentiles_without_any_revenue_make_everyone_low():
	cutoffs = rules.revenue_cutoffs(rules.PERCENTILES, [0.0, 0.0], high=80, low=40)
	assert rules.revenue_segment(0, cutoffs) == "Low"


def test_a_zero_threshold_still_leaves_customers_without_revenue_low():
	assert rules.revenue_segment(0, (0, 0)) == "Low"
	assert rules.revenue_segment(0.01, (0, 0)) == "High"


@pytest.mark.parametrize(
	("basis", "high", "low", "problem"),
	[
		(rules.PERCENTILES, 80, 40, None),
		(rules.PERCENTILES, 80, 80, None),
		(rules.PERCENTILES, 120, 40, rules.OUT_OF_RANGE),
		(rules.PERCENTILES, 80, -1, rules.OUT_OF_RANGE),
		(rules.PERCENTILES, 40, 80, rules.LOW_ABOVE_HIGH),
		(rules.THRESHOLDS, 50_000, 1000, None),
		(rules.THRESHOLDS, 1000, 5000, rules.LOW_ABOVE_HIGH),
	],
)
def test_cutoff_problems(basis, high, low, problem):
	assert rules.cutoff_problem(basis, high, low) == problem


@pytest.mark.parametrize(
	("created", "last_activity", "segment"),
	[
		(days_ago(5), None, "New"),
		(days_ago(29), days_ago(200), "New"),  # new wins over inactive
		(days_ago(30), None, "Inactive"),
		(days_ago(400), days_ago(59), "Active"),
		(days_ago(400), days_ago(60), "Inactive"),
		(days_ago(400), TODAY, "Active"),
	],
)
def test_activity(created, last_activity, segment):
	assert rules.activity_segment(created, last_activity, TODAY, new_days=30, inactive_days=60) == segment


@pytest.mark.parametrize(
	("invoices", "late", "partial", "segment"),
	[(0, 0, 0, ""), (3, 0, 0, "On Time"), (3, 0, 1, "Partial"), (3, 1, 0, "Late"), (3, 1, 2, "Late")],
)
def test_payment_behaviour(invoices, late, partial, segment):
	assert rules.payment_segment(invoices, late, partial) == segment


def target(state, last_on=None, recorded=None, since=None, days=90):
	return rules.dormancy_target(state, last_on, recorded, since, TODAY, days, ACTIVE, DORMANT)


def test_an_active_customer_goes_dormant_after_the_days_without_activity():
	long_ago = at(days_ago(400))
	assert target(ACTIVE, days_ago(90), long_ago, long_ago) == DORMANT
	assert target(ACTIVE, days_ago(89), long_ago, long_ago) is None
	assert target(ACTIVE, None, None, long_ago) == DORMANT  # never any activity


def test_the_days_count_from_when_the_customer_became_active():
	assert target(ACTIVE, days_ago(300), at(days_ago(300)), at(days_ago(10))) is None
	assert target(ACTIVE, None, None, at(days_ago(10))) is None
	assert target(ACTIVE, None, None, at(days_ago(90))) == DORMANT


def test_a_dormant_customer_with_activity_since_it_went_dormant_comes_back():
	since = at(days_ago(30))
	assert target(DORMANT, days_ago(100), since + timedelta(seconds=1), since) == ACTIVE
	# a backdated invoice recorded after the customer went dormant is new activity too
	assert target(DORMANT, days_ago(200), at(days_ago(1)), since) == ACTIVE
	assert target(DORMANT, days_ago(100), since - timedelta(seconds=1), since) is None
	assert target(DORMANT, None, None, since) is None


def test_after_each_move_the_rule_says_stay_so_a_second_run_changes_nothing():
	moved_at = at(TODAY, 1)
	# went dormant just now: its old activity was recorded before
	assert target(DORMANT, days_ago(120), at(days_ago(120)), moved_at) is None
	# came back just now: the activity that brought it back is recent or the move itself is
	assert target(ACTIVE, days_ago(200), at(TODAY, 0), moved_at) is None


def test_other_states_and_a_switched_off_rule_move_nobody():
	long_ago = at(days_ago(400))
	assert target("Prospect", None, None, long_ago) is None
	assert target(ACTIVE, None, None, long_ago, days=0) is None


def figures(**values):
	base = dict(
		last_activity_on=days_ago(1),
		overdue_invoices=0,
		late_paid_invoices=0,
		revenue_this_quarter=100.0,
		revenue_last_quarter=100.0,
		last_invoice_on=days_ago(1),
	)
	return rules.RiskFigures(**{**base, **values})


RULES = rules.RiskRules(today=TODAY, inactive_days=60, revenue_drop_percent=25, no_invoice_days=90)


@pytest.mark.parametrize(
	("values", "reasons"),
	[
		({}, []),
		({"last_activity_on": days_ago(60)}, ["Low activity"]),
		({"last_activity_on": None, "last_invoice_on": None}, ["Low activity", "No recent invoices"]),
		({"overdue_invoices": 2}, ["Late payments"]),
		({"late_paid_invoices": 1}, ["Late payments"]),
		({"revenue_this_quarter": 74.0}, ["Revenue falling"]),
		({"revenue_this_quarter": 75.0}, []),
		({"revenue_this_quarter": 0.0, "revenue_last_quarter": 0.0}, []),  # nothing to fall from
		({"last_invoice_on": days_ago(90)}, ["No recent invoices"]),
		(
			{
				"last_activity_on": days_ago(100),
				"overdue_invoices": 1,
				"revenue_this_quarter": 0.0,
				"last_invoice_on": days_ago(100),
			},
			["Low activity", "Late payments", "Revenue falling", "No recent invoices"],
		),
	],
)
def test_risk_reasons(values, reasons):
	assert rules.risk_reasons(figures(**values), RULES) == reasons


def test_quarter_windows_are_two_back_to_back_90_day_spans():
	this_start, last_start = rules.quarter_windows(TODAY)
	assert (TODAY - this_start).days == 89 and (this_start - last_start).days == 90
