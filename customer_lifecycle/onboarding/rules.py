"""Onboarding rules that need no database: which template a customer gets, when a round is complete,
what is overdue and who hears about it; and, for information requests, their status and which
reminder is due.

Templates and items are anything with the named attributes (frappe._dict rows, documents,
namedtuples), so the same rules serve the controllers and the unit tests. No lifecycle state is
named here.
"""

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

IN_PROGRESS = "In Progress"
COMPLETED = "Completed"
CLOSED = "Closed"


def specificity(template, customer_type: str | None, customer_category: str | None) -> int | None:
	"""How closely a template fits a customer: 3 for type and category, 2 for category, 1 for type,
	0 for the default template (which names neither); None when it does not apply to the customer."""
	if template.customer_type and template.customer_type != customer_type:
		return None
	if template.customer_category and template.customer_category != customer_category:
		return None
	score = (2 if template.customer_category else 0) + (1 if template.customer_type else 0)
	if not score and not template.is_default:
		return None
	return score


def choose_template(templates: Iterable, customer_type: str | None, customer_category: str | None):
	"""The most specific of the (enabled) templates for the customer: type and category, then
	category, then type, then the default. Ties go to the first name, so the choice is stable.
	None when nothing applies."""
	scored = []
	for template in templates:
		score = specificity(template, customer_type, customer_category)
		if score is not None:
			scored.append((-score, template.name, template))
	return min(scored, key=lambda s: s[:2])[2] if scored else None


def due_date(start: date, due_in_days: int | None) -> date:
	"""An item's due date: so many days after the round started (none or 0: that day)."""
	return start + timedelta(days=max(0, due_in_days or 0))


def required_counts(items: Iterable) -> tuple[int, int]:
	"""(required items done, required items)."""
	required = [item for item in items if item.required]
	return sum(1 for item in required if item.done), len(required)


def is_complete(items: Iterable) -> bool:
	"""Every required item is done. A checklist without required items never completes by itself:
	someone moves the customer on by hand."""
	done, total = required_counts(items)
	return total > 0 and done == total


def progress(items: Iterable) -> float:
	"""The share of items done, in percent (optional items count too)."""
	items = list(items)
	if not items:
		return 0.0
	return round(100.0 * sum(1 for item in items if item.done) / len(items), 1)


def open_round_status(items: Iterable) -> str:
	"""The status of a round that is still running."""
	return COMPLETED if is_complete(items) else IN_PROGRESS


def ended_round_status(items: Iterable) -> str:
	"""The status a round keeps when the customer leaves onboarding: Completed when every required
	item was done, Closed when the customer was moved on before that."""
	return COMPLETED if is_complete(items) else CLOSED


def is_overdue(item, today: date) -> bool:
	return bool(not item.done and item.due_date and item.due_date < today)


def recipients(item, role_users: Mapping[str, list[str]], managers: list[str]) -> list[str]:
	"""Who hears about an overdue item: its responsible user, else the users with its responsible
	role, else (nobody responsible, or nobody has the role) the customer managers."""
	if item.responsible_user:
		return [item.responsible_user]
	if item.responsible_role and role_users.get(item.responsible_role):
		return list(role_users[item.responsible_role])
	return list(managers)


# --- information requests ----------------------------------------------------------------------

DRAFT = "Draft"
SENT = "Sent"
PARTLY_ANSWERED = "Partly Answered"
COMPLETE = "Complete"
OVERDUE = "Overdue"
# a request the customer still answers: on the portal, through its link, in reminders
OPEN_STATUSES = (SENT, PARTLY_ANSWERED, OVERDUE)


def request_complete(items: Iterable) -> bool:
	"""Every required item is provided; a request of optional items only, every item."""
	items = list(items)
	wanted = [item for item in items if item.required] or items
	return bool(wanted) and all(item.done for item in wanted)


def request_status(sent: bool, items: Iterable, due: date | None, today: date) -> str:
	"""Draft until sent; then Complete once request_complete, else Overdue after the due date,
	else Partly Answered once anything is provided, else Sent."""
	items = list(items)
	if not sent:
		return DRAFT
	if request_complete(items):
		return COMPLETE
	if due and due < today:
		return OVERDUE
	if any(item.done for item in items):
		return PARTLY_ANSWERED
	return SENT


def parse_days(text: str | None) -> list[int]:
	"""Days as an admin writes them ("7, 3, 1"): whole numbers of 0 or more, each once, in order.
	Raises ValueError naming the first that is not one."""
	days = set()
	for part in (text or "").replace(";", ",").split(","):
		part = part.strip()
		if not part:
			continue
		if not part.isdigit():
			raise ValueError(part)
		days.add(int(part))
	return sorted(days)


def reminder_offsets(days_before: Iterable[int], days_after: Iterable[int]) -> list[int]:
	"""The reminder steps as days from the due date: before it negative, after it positive."""
	return sorted({-day for day in days_before} | set(days_after))


def reminder_due(
	offsets: Iterable[int], sent: Iterable[int], sent_on: date, due: date, today: date
) -> int | None:
	"""The reminder step (days from the due date) to send today, or None.

	A step is due once its day has come and it falls after the day the request was sent (the
	request itself went then). The latest such step goes, each step at most once (`sent`: the
	steps reminded already), and never one before a step already sent: a step passed over (the job
	did not run that day) is not sent late, after a later one."""
	sent = set(sent)
	last = max(sent, default=None)
	reached = [
		offset
		for offset in set(offsets)
		if sent_on < due + timedelta(days=offset) <= today
		and offset not in sent
		and (last is None or offset > last)
	]
	return max(reached) if reached else None
