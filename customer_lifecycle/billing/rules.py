"""Billing arithmetic that needs no database: invoice status, allocation of a payment to invoices,
receivables aging, and time: a timer's hours, the day's limit, the rate in force, what time is worth,
its invoice lines and the margin it leaves. The controllers and the reports call these; unit tests
cover them."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

# invoice statuses, as the Customer Invoice status field spells them
DRAFT = "Draft"
UNPAID = "Unpaid"
PARTLY_PAID = "Partly Paid"
PAID = "Paid"
OVERDUE = "Overdue"
CANCELLED = "Cancelled"

# receivables aging: (label, first day, last day or None for open-ended), by days past the date aged on
AGING_BUCKETS = (
	("0-30", None, 30),
	("31-60", 31, 60),
	("61-90", 61, 90),
	("90+", 91, None),
)


def money(value) -> Decimal:
	"""An amount rounded to cents, half up, so sums of allocations never drift."""
	return Decimal(str(value or 0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def invoice_status(docstatus: int, total, outstanding, due_date: date | None, today: date) -> str:
	"""The status an invoice has: draft and cancelled follow docstatus; a submitted invoice is Paid
	when nothing is outstanding, Overdue when money is outstanding after its due date, otherwise
	Partly Paid or Unpaid."""
	if docstatus == 0:
		return DRAFT
	if docstatus == 2:
		return CANCELLED
	outstanding = money(outstanding)
	if outstanding <= 0:
		return PAID
	if due_date and due_date < today:
		return OVERDUE
	return PARTLY_PAID if outstanding < money(total) else UNPAID


@dataclass(frozen=True)
class OpenInvoice:
	name: str
	outstanding: Decimal
	due_date: date | None = None
	posting_date: date | None = None


def oldest_first(invoices: list[OpenInvoice]) -> list[OpenInvoice]:
	"""Invoices in the order a payment pays them: earliest due, then earliest dated, then by name."""
	return sorted(invoices, key=lambda i: (i.due_date or date.max, i.posting_date or date.max, i.name))


def allocate(amount, invoices: list[OpenInvoice]) -> list[tuple[str, Decimal]]:
	"""Spread a payment over invoices oldest first: each gets what it owes until the money runs out.
	Returns (invoice, allocated amount) pairs, only those with a positive amount."""
	left = money(amount)
	out = []
	for invoice in oldest_first(invoices):
		if left <= 0:
			break
		share = min(left, money(invoice.outstanding))
		if share > 0:
			out.append((invoice.name, share))
			left -= share
	return out


class AllocationError(ValueError):
	"""An allocation a payment cannot make; `args[0]` says why, `invoice` names the row."""

	def __init__(self, message: str, invoice: str | None = None):
		super().__init__(message)
		self.invoice = invoice


def check_allocations(amount, allocations: list[tuple[str, object]], outstanding: dict[str, object]) -> None:
	"""Refuse allocations that pay an invoice twice, pay nothing, pay more than an invoice owes or
	more than the payment's amount. `outstanding` maps each open invoice of the customer to what
	it owes; an invoice missing from it is not open (or not the customer's)."""
	seen = set()
	total = Decimal(0)
	for invoice, allocated in allocations:
		allocated = money(allocated)
		if invoice in seen:
			raise AllocationError("allocated twice", invoice)
		seen.add(invoice)
		if allocated <= 0:
			raise AllocationError("not positive", invoice)
		if invoice not in outstanding:
			raise AllocationError("not open", invoice)
		if allocated > money(outstanding[invoice]):
			raise AllocationError("more than outstanding", invoice)
		total += allocated
	if total > money(amount):
		raise AllocationError("more than amount")


# payment terms, as the Customer and Customer Category terms field spells them
DAYS_AFTER_INVOICE = "Days after invoice"
END_OF_MONTH_PLUS = "End of month plus days"
DEFAULT_TERMS = (DAYS_AFTER_INVOICE, 30)


def due_date(posting: date, terms: str | None, days: int | None) -> date:
	"""When an invoice posted on `posting` is due: N days after it, or N days after the end of its
	month; without terms, DEFAULT_TERMS."""
	if not terms:
		terms, days = DEFAULT_TERMS
	days = max(0, int(days or 0))
	if terms == END_OF_MONTH_PLUS:
		first_of_next = date(posting.year + posting.month // 12, posting.month % 12 + 1, 1)
		return first_of_next + timedelta(days=days - 1)
	return posting + timedelta(days=days)


# --- time entries and profitability --------------------------------------------------------------

# the most hours a user can have worked on one day
HOURS_IN_A_DAY = 24
# a stopped timer's hours: the elapsed time to the nearest tenth of an hour (6 minutes), at least one
TIMER_STEP_HOURS = Decimal("0.1")


def timer_hours(seconds: float, step: Decimal = TIMER_STEP_HOURS) -> float:
	"""The hours a timer that ran `seconds` records: to the nearest `step`, and at least one step (a
	timer started and stopped at once still records the smallest unit of work)."""
	hours = Decimal(str(max(seconds, 0))) / Decimal(3600)
	steps = (hours / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)
	return float(max(steps, Decimal(1)) * step)


def day_overflow(hours, other_hours_that_day) -> float:
	"""How far an entry of `hours` takes its user's day past HOURS_IN_A_DAY, with the hours of their
	other entries of that date; 0 when it fits."""
	total = Decimal(str(hours or 0)) + Decimal(str(other_hours_that_day or 0))
	return float(max(total - HOURS_IN_A_DAY, Decimal(0)))


def first_rate(candidates: list[tuple[str, object]]) -> tuple[str | None, float]:
	"""The first (source, rate) of `candidates` that has a rate (None: not set; 0 is a rate), in the
	order given: the customer's, its category's, the activity's default, the user's. (None, 0) when
	none has one."""
	for source, rate in candidates:
		if rate is not None:
			return source, float(money(rate))
	return None, 0.0


def time_value(hours, rate) -> float:
	"""What `hours` at `rate` are worth, to the cent."""
	return float(money(Decimal(str(hours or 0)) * Decimal(str(rate or 0))))


def margin(revenue, cost) -> tuple[float, float | None]:
	"""(revenue - cost, that margin as a percentage of the revenue; None without revenue)."""
	revenue, cost = money(revenue), money(cost)
	amount = revenue - cost
	if not revenue:
		return float(amount), None
	return float(amount), float((100 * amount / revenue).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


# how "Invoice unbilled time" makes its lines
PER_ENTRY = "entry"
PER_ACTIVITY = "activity"


@dataclass(frozen=True)
class TimeLine:
	"""An invoice line of time: `hours` of `activity` at `rate`, and the entries it bills."""

	activity: str
	hours: float
	rate: float
	entries: tuple[str, ...]
	first: date
	last: date
	description: str | None = None


def time_lines(entries: list, per: str) -> list[TimeLine]:
	"""The invoice lines of time entries (each with name, activity, hours, rate, date and description):
	one per entry, or one per activity (PER_ACTIVITY) and rate, since an activity billed at two rates
	(a rate changed, another user's rate) cannot be one line whose amount is the entries' amounts.
	Entries in date order, then name; lines in the order of their first entry."""
	if per not in (PER_ENTRY, PER_ACTIVITY):
		raise ValueError(f"lines are made per {PER_ENTRY} or per {PER_ACTIVITY}, not {per!r}")
	ordered = sorted(entries, key=lambda e: (e["date"], e["name"]))
	if per == PER_ENTRY:
		return [
			TimeLine(
				e["activity"],
				float(e["hours"]),
				float(money(e["rate"])),
				(e["name"],),
				e["date"],
				e["date"],
				e.get("description"),
			)
			for e in ordered
		]
	groups: dict[tuple[str, Decimal], list] = {}
	for entry in ordered:
		groups.setdefault((entry["activity"], money(entry["rate"])), []).append(entry)
	return [
		TimeLine(
			activity,
			float(sum(Decimal(str(e["hours"])) for e in group)),
			float(rate),
			tuple(e["name"] for e in group),
			group[0]["date"],
			group[-1]["date"],
		)
		for (activity, rate), group in groups.items()
	]
