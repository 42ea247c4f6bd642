"""Service plan arithmetic that needs no database: billing periods, the dates of visits, and what a
subscription's status is. The subscription controller and the daily job call these; unit tests
cover them.

- A plan's periods are anchored on the subscription's start date: period k starts k weeks (weekly)
  or k, 3k or 12k months (monthly, quarterly, yearly) after it, counted from the start each time, so
  a subscription starting on 31 January has periods starting on 28 (29) February, 31 March, 30 April ...
- Visits follow their own series, anchored on the next visit date a person chose: the same periods
  counted from that date, and in each the plan's visits spread evenly (visit j of n on the day
  floor(j * days in the period / n) after its start). Choosing another next visit date moves the
  series with it.
"""

from dataclasses import dataclass
from datetime import date, timedelta

WEEKLY = "Weekly"
MONTHLY = "Monthly"
QUARTERLY = "Quarterly"
YEARLY = "Yearly"
# months in a period; a weekly period is 7 days
MONTHS = {MONTHLY: 1, QUARTERLY: 3, YEARLY: 12}
FREQUENCIES = (WEEKLY, MONTHLY, QUARTERLY, YEARLY)
# the fewest days a period of each frequency has: no plan has more visits than that, so that no two
# visits of a period fall on the same day
SHORTEST_PERIOD = {WEEKLY: 7, MONTHLY: 28, QUARTERLY: 89, YEARLY: 365}

# subscription statuses, as the Service Subscription status field spells them
ACTIVE = "Active"
ON_HOLD = "On Hold"
ENDED = "Ended"
# the statuses the daily job looks at (an ended subscription stays ended)
LIVE = (ACTIVE, ON_HOLD)


def add_months(day: date, months: int) -> date:
	"""The same day `months` later, or the month's last day when it has no such day."""
	month = day.month - 1 + months
	year, month = day.year + month // 12, month % 12 + 1
	last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
	return date(year, month, min(day.day, last))


def period_start(anchor: date, frequency: str, k: int) -> date:
	"""The first day of period k (k >= 0) of a series anchored on `anchor`."""
	if frequency == WEEKLY:
		return anchor + timedelta(days=7 * k)
	return add_months(anchor, MONTHS[frequency] * k)


def period_of(anchor: date, frequency: str, day: date) -> int:
	"""The period that `day` falls in (0 for any day before the anchor)."""
	if day <= anchor:
		return 0
	if frequency == WEEKLY:
		return (day - anchor).days // 7
	months = (day.year - anchor.year) * 12 + day.month - anchor.month
	k = max(0, months // MONTHS[frequency] + 1)
	while k > 0 and period_start(anchor, frequency, k) > day:
		k -= 1
	return k


def visits_in_period(anchor: date, frequency: str, visits: int, k: int) -> list[date]:
	"""The visit dates of period k: `visits` of them, spread evenly from its first day."""
	start = period_start(anchor, frequency, k)
	days = (period_start(anchor, frequency, k + 1) - start).days
	return [start + timedelta(days=j * days // visits) for j in range(visits)]


def visit_dates(anchor: date, frequency: str, visits: int, first: date, last: date) -> list[date]:
	"""The dates of the series that fall in [first, last], in order."""
	if visits <= 0 or last < first:
		return []
	out = []
	k = period_of(anchor, frequency, first)
	while period_start(anchor, frequency, k) <= last:
		out.extend(d for d in visits_in_period(anchor, frequency, visits, k) if first <= d <= last)
		k += 1
	return out


def next_visit(
	anchor: date, frequency: str, visits: int, on_or_after: date, end: date | None = None
) -> date | None:
	"""The first date of the series on or after `on_or_after` (None past `end`, or without visits)."""
	if visits <= 0:
		return None
	day = max(anchor, on_or_after)
	k = period_of(anchor, frequency, day)
	while True:
		found = [d for d in visits_in_period(anchor, frequency, visits, k) if d >= day]
		if found:
			return found[0] if end is None or found[0] <= end else None
		k += 1


@dataclass(frozen=True)
class Period:
	start: date
	end: date


def period(start: date, frequency: str, k: int) -> Period:
	return Period(
		period_start(start, frequency, k), period_start(start, frequency, k + 1) - timedelta(days=1)
	)


def periods_due(
	start: date, frequency: str, first: date, today: date, end: date | None = None
) -> list[Period]:
	"""The billing periods (anchored on `start`) that begin in [first, today], and not after `end`:
	the ones a run on `today` invoices when `first` is the first one not invoiced yet."""
	last = min(today, end) if end else today
	out = []
	k = period_of(start, frequency, first)
	while (p := period(start, frequency, k)).start <= last:
		if p.start >= first:
			out.append(p)
		k += 1
	return out


def next_period_start(start: date, frequency: str, after: date) -> date:
	"""The first period start (anchored on `start`) after `after`."""
	k = period_of(start, frequency, after)
	while (day := period_start(start, frequency, k)) <= after:
		k += 1
	return day


def status(billable: bool, end: date | None, today: date) -> str:
	"""Ended once the end date has passed; on hold while the customer may not be billed; else active."""
	if end and end < today:
		return ENDED
	return ACTIVE if billable else ON_HOLD
