"""Time arithmetic without a database: a timer's hours, the 24-hour day, the rate in force, what time
is worth, its invoice lines and the margin it leaves."""

from datetime import date
from decimal import Decimal

import pytest

from customer_lifecycle.billing import rules


@pytest.mark.parametrize(
	("seconds", "hours"),
	[
		(0, 0.1),  # started and stopped at once: the smallest unit of work
		(-5, 0.1),  # a clock that went back
		(179, 0.1),
		(180, 0.1),  # 3 minutes: half a step rounds up to one step
		(539, 0.1),
		(540, 0.2),  # 9 minutes: half way to the second step
		(3600, 1.0),
		(5400, 1.5),
		(8 * 3600 + 20 * 60, 8.3),
	],
)
def test_timer_hours_round_to_the_nearest_tenth_and_at_least_one(seconds, hours):
	assert rules.timer_hours(seconds) == hours


def test_timer_hours_take_another_step():
	assert rules.timer_hours(20 * 60, step=Decimal("0.25")) == 0.25
	assert rules.timer_hours(23 * 60, step=Decimal("0.25")) == 0.5


@pytest.mark.parametrize(
	("hours", "other", "over"),
	[
		(8, 0, 0),
		(8, 16, 0),
		(8, 16.5, 0.5),
		(24, 0, 0),
		(24.25, 0, 0.25),
		(0.1, 23.95, 0.05),
		(None, None, 0),
	],
)
def test_day_overflow(hours, other, over):
	assert rules.day_overflow(hours, other) == over


def test_first_rate_takes_the_first_that_is_set_in_the_order_given():
	assert rules.first_rate([("customer", None), ("category", 90), ("activity", 80)]) == ("category", 90.0)
	assert rules.first_rate([("customer", 0), ("category", 90)]) == ("customer", 0.0)  # 0 is a rate
	assert rules.first_rate([("customer", None), ("user", None)]) == (None, 0.0)
	assert rules.first_rate([]) == (None, 0.0)
	assert rules.first_rate([("user", 33.333)]) == ("user", 33.33)


@pytest.mark.parametrize(
	("hours", "rate", "value"),
	[
		(1.5, 120, 180.0),
		(0.1, 95, 9.5),
		(0.3, 33.35, 10.01),
		(2, 0, 0.0),
		(None, 100, 0.0),
		(7.25, 64.8, 469.8),
	],
)
def test_time_value_to_the_cent(hours, rate, value):
	assert rules.time_value(hours, rate) == value


@pytest.mark.parametrize(
	("revenue", "cost", "expected"),
	[(1000, 600, (400.0, 40.0)), (300, 450, (-150.0, -50.0)), (0, 80, (-80.0, None)), (3, 1, (2.0, 66.67))],
)
def test_margin_and_its_percentage_of_the_revenue(revenue, cost, expected):
	assert rules.margin(revenue, cost) == expected


def entry(name, activity, hours, rate, day, description=None):
	return {
		"name": name,
		"activity": activity,
		"hours": hours,
		"rate": rate,
		"date": date(2026, 11, day),
		"description": description,
	}


ENTRIES = [
	entry("T3", "Design", 2, 100, 3),
	entry("T1", "Advice", 1.5, 120, 1, "Kick-off"),
	entry("T2", "Design", 0.5, 100, 2),
	entry("T4", "Advice", 1, 150, 4),  # the same activity at another rate
]


def test_time_lines_per_entry_in_date_order():
	lines = rules.time_lines(ENTRIES, rules.PER_ENTRY)
	assert [(ln.entries, ln.activity, ln.hours, ln.rate, ln.description) for ln in lines] == [
		(("T1",), "Advice", 1.5, 120.0, "Kick-off"),
		(("T2",), "Design", 0.5, 100.0, None),
		(("T3",), "Design", 2.0, 100.0, None),
		(("T4",), "Advice", 1.0, 150.0, None),
	]


def test_time_lines_per_activity_and_rate_add_up_to_the_entries():
	lines = rules.time_lines(ENTRIES, rules.PER_ACTIVITY)
	assert [(ln.activity, ln.hours, ln.rate, ln.entries, ln.first.day, ln.last.day) for ln in lines] == [
		("Advice", 1.5, 120.0, ("T1",), 1, 1),
		("Design", 2.5, 100.0, ("T2", "T3"), 2, 3),
		("Advice", 1.0, 150.0, ("T4",), 4, 4),
	]
	billed = sum(rules.time_value(ln.hours, ln.rate) for ln in lines)
	assert billed == sum(rules.time_value(e["hours"], e["rate"]) for e in ENTRIES) == 580.0


def test_time_lines_add_hours_without_float_drift():
	tenths = [entry(f"T{i}", "Advice", 0.1, 100, 1) for i in range(10)]
	[line] = rules.time_lines(tenths, rules.PER_ACTIVITY)
	assert line.hours == 1.0


def test_time_lines_are_made_per_entry_or_per_activity_only():
	with pytest.raises(ValueError, match="per entry or per activity"):
		rules.time_lines(ENTRIES, "customer")
