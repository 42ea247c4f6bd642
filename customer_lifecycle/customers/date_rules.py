"""Birthdays and anniversaries: when a date comes round again. Pure: no database.

A date of 29 February comes round on 28 February in a year that has no 29th."""

import calendar
from datetime import date, timedelta

# how far ahead the workspace looks
UPCOMING_DAYS = 14
# dates before this year name no real day: Frappe's Personal Data Deletion writes 1111-01-01
EARLIEST_YEAR = 1900


def in_year(original: date, year: int) -> date:
	"""The day `original` comes round in `year` (29 February on the 28th when the year has none)."""
	if original.month == 2 and original.day == 29 and not calendar.isleap(year):
		return date(year, 2, 28)
	return original.replace(year=year)


def next_occurrence(original: date, today: date) -> date:
	"""The first day on or after `today` on which `original` comes round."""
	this_year = in_year(original, today.year)
	return this_year if this_year >= today else in_year(original, today.year + 1)


def window(today: date, days: int = UPCOMING_DAYS) -> list[date]:
	"""The days from today on, `days` of them."""
	return [today + timedelta(days=offset) for offset in range(days)]


def month_days(today: date, days: int = UPCOMING_DAYS) -> list[str]:
	"""The month-days ("MM-DD") of dates that come round in the window: each day's own, and "02-29"
	when the window holds 28 February of a year without a 29th."""
	found = []
	for day in window(today, days):
		found.append(f"{day.month:02d}-{day.day:02d}")
		if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
			found.append("02-29")
	return found


def upcoming(original: date, today: date, days: int = UPCOMING_DAYS) -> tuple[date, int] | None:
	"""(the day it comes round, the years since `original` then), when that is within the window
	and at least a year after it; None otherwise."""
	if original.year < EARLIEST_YEAR:
		return None
	when = next_occurrence(original, today)
	if (when - today).days >= days:
		return None
	years = when.year - original.year
	return (when, years) if years >= 1 else None


def check_birth_date(value: date | None, today: date) -> str | None:
	"""What is wrong with a birth date, if anything."""
	if value and value > today:
		return "cannot be in the future"
	return None
