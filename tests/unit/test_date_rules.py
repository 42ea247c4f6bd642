"""Birthdays and anniversaries without a database: when a date comes round, the window's month-days
across a month and a year end, and 29 February."""

from datetime import date

import pytest

from customer_lifecycle.customers import date_rules


@pytest.mark.parametrize(
	("original", "today", "expected"),
	[
		(date(1990, 12, 31), date(2026, 12, 20), (date(2026, 12, 31), 36)),  # later this month
		(date(1990, 1, 2), date(2026, 12, 25), (date(2027, 1, 2), 37)),  # across the year end
		(date(1985, 3, 3), date(2027, 2, 20), (date(2027, 3, 3), 42)),  # across the end of February
		(date(1990, 12, 20), date(2026, 12, 20), (date(2026, 12, 20), 36)),  # today counts
		(date(1990, 1, 4), date(2026, 12, 21), None),  # 14 days on: past the window's 14 days
		(date(1990, 1, 3), date(2026, 12, 21), (date(2027, 1, 3), 37)),  # 13 days on: its last day
		(date(1990, 12, 19), date(2026, 12, 20), None),  # just gone: next year, too far off
		(date(2026, 12, 22), date(2026, 12, 20), None),  # a first invoice this year: not a year yet
		(date(2025, 12, 22), date(2026, 12, 20), (date(2026, 12, 22), 1)),  # one year
		(date(1111, 1, 1), date(2026, 12, 25), None),  # Frappe's redacted date names no day
	],
)
def test_upcoming(original, today, expected):
	assert date_rules.upcoming(original, today) == expected


def test_29_february_comes_round_on_the_28th_in_a_common_year_and_on_the_29th_in_a_leap_year():
	born = date(2000, 2, 29)
	assert date_rules.next_occurrence(born, date(2027, 2, 20)) == date(2027, 2, 28)
	assert date_rules.upcoming(born, date(2027, 2, 20)) == (date(2027, 2, 28), 27)
	assert date_rules.next_occurrence(born, date(2028, 2, 20)) == date(2028, 2, 29)
	assert date_rules.upcoming(born, date(2028, 2, 20)) == (date(2028, 2, 29), 28)
	# the 28th passed in a common year: next year's 29th
	assert date_rules.next_occurrence(born, date(2027, 3, 1)) == date(2028, 2, 29)
	assert date_rules.upcoming(born, date(2027, 3, 1)) is None


def test_month_days_cross_the_year_end_and_take_29_february_in_a_common_year():
	days = date_rules.month_days(date(2026, 12, 25))
	assert days[:7] == ["12-25", "12-26", "12-27", "12-28", "12-29", "12-30", "12-31"]
	assert days[7:] == ["01-01", "01-02", "01-03", "01-04", "01-05", "01-06", "01-07"]
	common = date_rules.month_days(date(2027, 2, 20))
	assert "02-29" in common and common.index("02-29") == common.index("02-28") + 1
	assert common[-1] == "03-05" and len(common) == 15
	leap = date_rules.month_days(date(2028, 2, 20))
	assert leap.count("02-29") == 1 and len(leap) == 14


def test_a_birth_date_in_the_future_is_refused():
	assert date_rules.check_birth_date(date(2027, 1, 1), date(2026, 12, 6)) == "cannot be in the future"
	assert date_rules.check_birth_date(date(2026, 12, 6), date(2026, 12, 6)) is None
	assert date_rules.check_birth_date(None, date(2026, 12, 6)) is None
