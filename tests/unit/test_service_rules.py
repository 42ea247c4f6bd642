"""Service plan arithmetic (customer_lifecycle.service.rules): periods, visit series, statuses."""

from datetime import date, timedelta

import pytest

from customer_lifecycle.service import rules
from customer_lifecycle.service.rules import MONTHLY, QUARTERLY, WEEKLY, YEARLY


def every_day(first: date, last: date):
	day = first
	while day <= last:
		yield day
		day += timedelta(days=1)


def test_monthly_periods_keep_the_start_day_or_the_months_last():
	starts = [rules.period_start(date(2027, 1, 31), MONTHLY, k) for k in range(5)]
	assert starts == [
		date(2027, 1, 31),
		date(2027, 2, 28),
		date(2027, 3, 31),
		date(2027, 4, 30),
		date(2027, 5, 31),
	]
	assert rules.period_start(date(2028, 2, 29), YEARLY, 1) == date(2029, 2, 28)
	assert rules.period_start(date(2027, 11, 15), QUARTERLY, 1) == date(2028, 2, 15)


@pytest.mark.parametrize("frequency", rules.FREQUENCIES)
@pytest.mark.parametrize("anchor", [date(2027, 1, 31), date(2027, 3, 1), date(2028, 2, 29)])
def test_every_day_falls_in_the_period_that_holds_it(frequency, anchor):
	for day in every_day(anchor, anchor + timedelta(days=800)):
		k = rules.period_of(anchor, frequency, day)
		assert rules.period_start(anchor, frequency, k) <= day < rules.period_start(anchor, frequency, k + 1)


@pytest.mark.parametrize("frequency", rules.FREQUENCIES)
def test_visits_are_spread_over_each_period_one_a_day_at_most(frequency):
	anchor = date(2027, 1, 31)
	most = rules.SHORTEST_PERIOD[frequency]
	for visits in sorted({1, 2, 3, most}):
		for k in range(6):
			days = rules.visits_in_period(anchor, frequency, visits, k)
			assert len(days) == len(set(days)) == visits
			assert days[0] == rules.period_start(anchor, frequency, k)
			assert days[-1] < rules.period_start(anchor, frequency, k + 1)


def test_a_year_of_weekly_and_monthly_series():
	assert len(rules.visit_dates(date(2027, 1, 4), WEEKLY, 1, date(2027, 1, 1), date(2027, 12, 31))) == 52
	monthly = rules.visit_dates(date(2027, 1, 10), MONTHLY, 2, date(2027, 1, 1), date(2027, 12, 31))
	assert len(monthly) == 24 and monthly[:3] == [date(2027, 1, 10), date(2027, 1, 25), date(2027, 2, 10)]


def test_the_series_found_day_by_day_is_the_series_found_at_once():
	"""A job run every day that takes the dates in (last run, today + days ahead] misses none and
	repeats none."""
	anchor, ahead = date(2027, 2, 3), 9
	at_once = rules.visit_dates(anchor, MONTHLY, 3, anchor, date(2028, 2, 2))
	day_by_day, made_until = [], anchor - timedelta(days=1)
	for today in every_day(date(2027, 1, 1), date(2028, 2, 2) - timedelta(days=ahead)):
		found = rules.visit_dates(
			anchor, MONTHLY, 3, max(today, made_until + timedelta(days=1)), today + timedelta(days=ahead)
		)
		day_by_day += found
		made_until = found[-1] if found else made_until
	assert day_by_day == at_once and len(at_once) == 36


def test_next_visit_is_the_first_of_the_series_from_a_day():
	anchor = date(2027, 1, 10)
	assert rules.next_visit(anchor, WEEKLY, 1, date(2027, 1, 1)) == date(2027, 1, 10)
	assert rules.next_visit(anchor, WEEKLY, 1, date(2027, 1, 11)) == date(2027, 1, 17)
	assert rules.next_visit(anchor, WEEKLY, 1, date(2027, 1, 17)) == date(2027, 1, 17)
	assert rules.next_visit(anchor, WEEKLY, 1, date(2027, 1, 18), end=date(2027, 1, 23)) is None
	assert rules.next_visit(anchor, MONTHLY, 0, date(2027, 1, 1)) is None


def test_periods_due_from_the_first_not_invoiced_to_today_and_the_next_start():
	start = date(2027, 1, 31)
	due = rules.periods_due(start, MONTHLY, start, date(2027, 3, 31))
	assert [(p.start, p.end) for p in due] == [
		(date(2027, 1, 31), date(2027, 2, 27)),
		(date(2027, 2, 28), date(2027, 3, 30)),
		(date(2027, 3, 31), date(2027, 4, 29)),
	]
	assert rules.periods_due(start, MONTHLY, date(2027, 2, 28), date(2027, 3, 30)) == due[1:2]
	assert rules.periods_due(start, MONTHLY, start, date(2027, 3, 31), end=date(2027, 3, 1)) == due[:2]
	assert rules.next_period_start(start, MONTHLY, date(2027, 3, 31)) == date(2027, 4, 30)
	assert rules.next_period_start(start, MONTHLY, date(2027, 3, 30)) == date(2027, 3, 31)
	assert rules.next_period_start(start, WEEKLY, date(2027, 1, 1)) == start


def test_status_follows_the_end_date_then_the_customer():
	today = date(2027, 5, 1)
	assert rules.status(True, None, today) == rules.ACTIVE
	assert rules.status(False, None, today) == rules.ON_HOLD
	assert rules.status(True, today, today) == rules.ACTIVE
	assert rules.status(False, date(2027, 4, 30), today) == rules.ENDED
