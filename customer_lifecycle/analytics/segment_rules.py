"""Customer segments, dormancy and risk as plain rules (no database): the nightly segmentation job,
the daily dormancy job and the At-Risk Customers report feed them aggregates read in bulk, and
unit tests cover them directly."""

import bisect
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from customer_lifecycle.utils.stats import percentile

# segment values, as the Customer Select fields spell them
HIGH, MEDIUM, LOW = "High", "Medium", "Low"
NEW, ACTIVE, INACTIVE = "New", "Active", "Inactive"
ON_TIME, PARTIAL, LATE = "On Time", "Partial", "Late"

# how revenue cut-offs are chosen (Customer Lifecycle Settings.revenue_segment_basis)
THRESHOLDS, PERCENTILES = "Thresholds", "Percentiles"

# why revenue cut-offs cannot be used
OUT_OF_RANGE, LOW_ABOVE_HIGH = "percentile out of range", "low above high"

# At-Risk Customers reasons, in the order they are listed
LOW_ACTIVITY = "Low activity"
LATE_PAYMENTS = "Late payments"
REVENUE_FALLING = "Revenue falling"
NO_RECENT_INVOICES = "No recent invoices"


def revenue_cutoffs(basis: str, revenues: list[float], high: float, low: float) -> tuple[float, float]:
	"""The (high, low) revenue cut-offs: High is revenue at or above the first, Low below the second.

	By thresholds they are the amounts given. By percentiles they are taken among the customers
	that had any revenue (those without would drag every percentile to zero): High are the
	customers above the high percentile (80: the top 20 %), Low those at or below the low one
	(40: the bottom 40 %), so each cut-off is the first revenue above its percentile's value."""
	if basis != PERCENTILES:
		return (high, low)
	ordered = sorted(r for r in revenues if r > 0)
	if not ordered:
		return (math.inf, math.inf)

	def first_above(pct: float) -> float:
		at = bisect.bisect_right(ordered, percentile(ordered, pct))
		return ordered[at] if at < len(ordered) else math.inf

	return (first_above(high), first_above(low))


def cutoff_problem(basis: str, high: float, low: float) -> str | None:
	"""Why revenue cut-offs cannot be used, or None: percentiles lie within 0-100, and the low
	cut-off is not above the high one."""
	if basis == PERCENTILES and not (0 <= low <= 100 and 0 <= high <= 100):
		return OUT_OF_RANGE
	if low > high:
		return LOW_ABOVE_HIGH
	return None


def revenue_segment(revenue: float, cutoffs: tuple[float, float]) -> str:
	"""High at or above the high cut-off, Low below the low cut-off or with no revenue, else Medium."""
	high, low = cutoffs
	if revenue > 0 and revenue >= high:
		return HIGH
	if revenue <= 0 or revenue < low:
		return LOW
	return MEDIUM


def activity_segment(
	created_on: date, last_activity_on: date | None, today: date, new_days: int, inactive_days: int
) -> str:
	"""New while the customer is younger than new_days; otherwise Active when it had activity in
	the last inactive_days days, else Inactive."""
	if (today - created_on).days < new_days:
		return NEW
	if last_activity_on and (today - last_activity_on).days < inactive_days:
		return ACTIVE
	return INACTIVE


def payment_segment(invoices: int, late: int, partial: int) -> str:
	"""How a customer pays its recent invoices: Late when any was paid after its due date or is
	overdue, else Partial when any is partly paid, else On Time; blank without invoices."""
	if not invoices:
		return ""
	if late:
		return LATE
	if partial:
		return PARTIAL
	return ON_TIME


def dormancy_target(
	state: str | None,
	last_activity_on: date | None,
	last_recorded_at: datetime | None,
	state_since: datetime | None,
	today: date,
	days: int,
	active_state: str,
	dormant_state: str,
) -> str | None:
	"""Where the dormancy job moves a customer, or None to leave it.

	- An active customer with no activity (by its date) for `days` days, counted from its last
	  activity or from when it became active, whichever is later, goes dormant.
	- A dormant customer with activity recorded since it went dormant becomes active again.

	After either move the rule says None, so running the job twice changes nothing."""
	if not days or days <= 0:
		return None
	if state == active_state:
		since = state_since.date() if state_since else None
		latest = max((d for d in (last_activity_on, since) if d), default=None)
		if latest is None or (today - latest).days >= days:
			return dormant_state
	elif state == dormant_state:
		if last_recorded_at and (state_since is None or last_recorded_at > state_since):
			return active_state
	return None


@dataclass(frozen=True)
class RiskFigures:
	"""A customer's aggregates for the At-Risk report."""

	last_activity_on: date | None
	overdue_invoices: int
	late_paid_invoices: int
	revenue_this_quarter: float
	revenue_last_quarter: float
	last_invoice_on: date | None


@dataclass(frozen=True)
class RiskRules:
	today: date
	inactive_days: int
	revenue_drop_percent: float
	no_invoice_days: int


def risk_reasons(figures: RiskFigures, rules: RiskRules) -> list[str]:
	"""Why a customer is at risk (empty when it is not), in a fixed order."""
	reasons = []
	if not figures.last_activity_on or (rules.today - figures.last_activity_on).days >= rules.inactive_days:
		reasons.append(LOW_ACTIVITY)
	if figures.overdue_invoices or figures.late_paid_invoices:
		reasons.append(LATE_PAYMENTS)
	previous = figures.revenue_last_quarter
	if previous > 0 and figures.revenue_this_quarter < previous * (1 - rules.revenue_drop_percent / 100):
		reasons.append(REVENUE_FALLING)
	if not figures.last_invoice_on or (rules.today - figures.last_invoice_on).days >= rules.no_invoice_days:
		reasons.append(NO_RECENT_INVOICES)
	return reasons


def quarter_windows(today: date) -> tuple[date, date]:
	"""The first days of the rolling quarter ending today and of the quarter before it (90 days each)."""
	this_start = today - timedelta(days=89)
	return this_start, this_start - timedelta(days=90)
