"""Dormancy automation (daily): active customers with no activity (invoice, payment, engagement,
note) for the number of days Customer Lifecycle Settings names go to the dormant state, and dormant
customers with new activity come back to the active state, each through the workflow as an
automatic change. The states are the settings' active and dormant states; none is named here.

One query finds the candidates, and only them: the rule of segment_rules.dormancy_target written
as conditions on each active or dormant customer, every one an index probe into the activity tables
(EXISTS on a customer's rows, never an aggregate over every customer's history), so the query's
cost follows the number of customers in the two states, not the size of their history. Each move
is engine.move_to, inside a savepoint: a move the workflow refuses is undone, not forced, and the
customer managers are told which customers stayed where they were and why. The moves are made in
name order and committed in chunks (MOVE_CHUNK). After a run no customer is a candidate any more, so
running it again changes nothing, and a run that stopped half way (its worker died, or its database)
is finished by the next.
"""

from datetime import timedelta

import frappe
from frappe import _
from frappe.utils import cint, escape_html, getdate, nowdate, strip_html
from frappe.utils.user import get_users_with_role

from customer_lifecycle.analytics.queries import ACTIVITY
from customer_lifecycle.lifecycle import engine
from customer_lifecycle.utils import jobs
from customer_lifecycle.utils.doctypes import MANAGER_ROLE
from customer_lifecycle.utils.notify import notify

# moves per transaction. Each save through the workflow leaves Frappe bookkeeping for the commit
# (realtime messages it queues, each new one compared with all queued before, still so in 15.101;
# writes counted
# against its limit per transaction): in one transaction of 13k moves, a few thousand moves in,
# each took several times as long as the first ones. Committed in chunks, a run that stops half
# way keeps what it moved, and the next run finds the rest.
MOVE_CHUNK = 200


def any_activity(condition: str) -> str:
	"""SQL: the customer `c` has activity of some kind (analytics.ACTIVITY) whose row meets
	`condition`, in which {day} stands for the column of the day it happened. One probe of the
	customer's rows per kind (Customer Invoice and Customer Payment: their covering index on
	customer, docstatus, posting_date ... creation)."""
	return " or ".join(
		f"exists (select 1 from `tab{doctype}` where customer = c.name and {rows}"
		f" and {condition.format(day=day)})"
		for doctype, rows, day in ACTIVITY
	)


def candidates(settings, today) -> list[tuple[str, str]]:
	"""(customer, target state) for every customer the job should move, by the rule of
	segment_rules.dormancy_target:

	- an active customer goes dormant when nothing happened on or after `quiet_from` (the day after
	  `today` - the dormancy days) and it has been active since before that day (or since an unknown
	  time);
	- a dormant customer becomes active again when any activity was recorded after it went dormant
	  (or at all, when that moment is unknown)."""
	active, dormant = settings.active_state, settings.dormant_state
	days = cint(settings.dormant_after_days)
	if not (active and dormant and days > 0):
		return []
	quiet_from = getdate(today) - timedelta(days=days - 1)
	# Raw SQL: correlated EXISTS per kind of activity, which the query builder would spell longer
	# SQL text: any_activity pastes ACTIVITY's constants; the states and the day are parameters
	rows = frappe.db.sql(
		f"""
		select c.name, %(dormant)s from `tabCustomer` c
		where c.lifecycle_status = %(active)s
			and (c.lifecycle_since is null or c.lifecycle_since < %(quiet_from)s)
			and not ({any_activity("{day} >= %(quiet_from)s")})
		union all
		select c.name, %(active)s from `tabCustomer` c
		where c.lifecycle_status = %(dormant)s
			and ({any_activity("(c.lifecycle_since is null or creation > c.lifecycle_since)")})
		order by 1""",
		{"active": active, "dormant": dormant, "quiet_from": quiet_from},
	)
	return [tuple(row) for row in rows]


def reason_for(target: str, settings) -> str:
	if target == settings.dormant_state:
		return _("No activity for {0} days").format(cint(settings.dormant_after_days))
	return _("New activity")


def move(customer: str, target: str, reason: str) -> str | None:
	"""Move one customer; None when it moved, else why the workflow refused (the move undone)."""
	frappe.db.savepoint("dormancy_move")
	messages = len(frappe.local.message_log)
	try:
		engine.move_to(customer, target, reason=reason, automatic=True)
	except frappe.ValidationError as e:
		frappe.db.rollback(save_point="dormancy_move")
		del frappe.local.message_log[messages:]
		return strip_html(str(e)).strip() or _("The lifecycle workflow refused the move.")
	return None


def run(commit: bool = True) -> dict:
	"""Daily (scheduler): make the moves; returns the customers moved to each state and those the
	workflow refused, with the reason. With `commit`, the moves are committed MOVE_CHUNK at a time
	(commit=False leaves that to the caller), and after each commit the run's sign of life says how
	many are (utils/jobs.py: a run whose worker dies is marked Failed saying so)."""
	settings = engine.get_settings()
	moved: dict[str, list[str]] = {}
	refused: list[tuple[str, str, str]] = []
	with jobs.scheduled_run(f"{__name__}.run") as sign:
		todo = candidates(settings, getdate(nowdate()))
		sign.beat(text=committed_so_far(0, len(todo), moved, refused))
		for done, (customer, target) in enumerate(todo, 1):
			why = move(customer, target, reason_for(target, settings))
			if why:
				refused.append((customer, target, why))
			else:
				moved.setdefault(target, []).append(customer)
			forget_finished_saves()
			if commit and done % MOVE_CHUNK == 0:
				frappe.db.commit()
				sign.beat(text=committed_so_far(done, len(todo), moved, refused))
		if refused:
			notify_refusals(refused)
	return {"moved": moved, "refused": refused}


def committed_so_far(done: int, total: int, moved: dict, refused: list) -> str:
	"""How far a run got, as its sign of life says after each commit."""
	moves = ", ".join(_("{0} to {1}").format(len(names), _(state)) for state, names in sorted(moved.items()))
	return _(
		"Of the {0} customers it found to move, {1} were dealt with and committed ({2}; {3} refused by the workflow); the next run finds the rest."
	).format(total, done, moves or _("none moved"), len(refused))


def forget_finished_saves() -> None:
	"""Between two moves no document is being saved, yet Frappe (v15, still in 15.101.1) leaves an
	entry (doctype, None) in frappe.flags.currently_saving for each document inserted under a name
	it only gets while saving (each move's Version, an onboarding checklist), and every later save looks
	through them: thousands of moves in, that search was a quarter of a move's time. Entries
	without a name cannot be any document's, so they go."""
	saving = frappe.flags.currently_saving
	if saving:
		saving[:] = [entry for entry in saving if entry[1] is not None]


def notify_refusals(refused: list[tuple[str, str, str]]) -> None:
	"""One notification to the customer managers listing the moves the workflow refused."""
	subject = _("Dormancy automation: the lifecycle workflow refused {0} move(s)").format(len(refused))
	lines = [
		_("{0} to {1}: {2}").format(escape_html(customer), escape_html(_(target)), escape_html(why))
		for customer, target, why in refused
	]
	notify(get_users_with_role(MANAGER_ROLE), subject, email_content="<br>".join(lines))
