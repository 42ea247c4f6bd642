"""Dormancy automation (daily): active customers with no activity (invoice, payment, engagement,
note) for the number of days Customer Lifecycle Settings names go to the dormant state, and dormant
customers with new activity come back to the active state, each through the workflow as an
automatic change. The states are the settings' active and dormant states; none is named here.

One query finds the candidates (segment_rules.dormancy_target decides); each move is
engine.move_to, inside a savepoint: a move the workflow refuses is undone, not forced, and the
customer managers are told which customers stayed where they were and why. After a run no customer
is a candidate any more, so running it again changes nothing.
"""

import frappe
from frappe import _
from frappe.utils import cint, escape_html, getdate, nowdate, strip_html
from frappe.utils.user import get_users_with_role

from customer_lifecycle.billing.activity import customers_with_activity
from customer_lifecycle.billing.segment_rules import dormancy_target
from customer_lifecycle.lifecycle import engine
from customer_lifecycle.onboarding.checklists import MANAGER_ROLE, notify


def candidates(settings, today) -> list[tuple[str, str]]:
	"""(customer, target state) for every customer the job should move."""
	active, dormant = settings.active_state, settings.dormant_state
	days = cint(settings.dormant_after_days)
	if not (active and dormant and days > 0):
		return []
	return [
		(row.name, target)
		for row in customers_with_activity(states=[active, dormant])
		if (
			target := dormancy_target(
				row.lifecycle_status,
				row.last_activity_on,
				row.last_recorded_at,
				row.lifecycle_since,
				today,
				days,
				active,
				dormant,
			)
		)
	]


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


def run() -> dict:
	"""Daily (scheduler): make the moves; returns the customers moved to each state and those the
	workflow refused, with the reason."""
	settings = engine.get_settings()
	moved: dict[str, list[str]] = {}
	refused: list[tuple[str, str, str]] = []
	for customer, target in candidates(settings, getdate(nowdate())):
		why = move(customer, target, reason_for(target, settings))
		if why:
			refused.append((customer, target, why))
		else:
			moved.setdefault(target, []).append(customer)
	if refused:
		notify_refusals(refused)
	return {"moved": moved, "refused": refused}


def notify_refusals(refused: list[tuple[str, str, str]]) -> None:
	"""One notification to the customer managers listing the moves the workflow refused."""
	subject = _("Dormancy automation: the lifecycle workflow refused {0} move(s)").format(len(refused))
	lines = [
		_("{0} to {1}: {2}").format(escape_html(customer), escape_html(_(target)), escape_html(why))
		for customer, target, why in refused
	]
	notify(get_users_with_role(MANAGER_ROLE), subject, email_content="<br>".join(lines))
