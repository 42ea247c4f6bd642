"""Customer tasks (Frappe ToDos on a customer): which are today's, and the open tasks of a user's team.

A user's team is the users who share a Frappe **User Group** with them (Setup > User Group), and the
user. A user in no group is a team of one. Groups are Frappe's own, kept by admins; nothing else
(roles, departments) widens a team.
"""

import frappe
from frappe.query_builder import DocType
from frappe.utils import getdate, nowdate

from customer_lifecycle.utils.args import choice_arg
from customer_lifecycle.utils.doctypes import CUSTOMER

TODO = "ToDo"
TEAM_TASK_FIELDS = ["name", "description", "status", "date", "allocated_to", "reference_name", "creation"]
TEAM_SORTS = {
	"date": "date is null, date asc, creation asc",
	"customer": "reference_name asc, creation asc",
	"newest": "creation desc",
}


def team_of(user: str) -> list[str]:
	"""The user and everyone sharing a User Group with them, sorted."""
	member = DocType("User Group Member")
	mine = frappe.qb.from_(member).select(member.parent).where(member.user == user)
	team = (
		frappe.qb.from_(member).select(member.user).distinct().where(member.parent.isin(mine)).run(pluck=True)
	)
	return sorted({user, *team})


def is_today(task: dict) -> bool:
	"""A task of today: made today or due today."""
	today = getdate(nowdate())
	return getdate(task.get("creation")) == today or (
		bool(task.get("date")) and getdate(task["date"]) == today
	)


def team_tasks(
	user: str, assigned_to: str | None = None, order_by: str = "date", start: int = 0, page_length: int = 20
) -> dict:
	"""The open customer tasks of the user's team (or of one member), on customers the user may see."""
	team = team_of(user)
	if assigned_to and assigned_to not in team:
		frappe.throw(
			frappe._("{0}: {1} is not in your team.").format(
				frappe.bold(frappe._("Assigned To")), frappe.bold(assigned_to)
			),
			frappe.ValidationError,
		)
	choice_arg(order_by, "Order By", TEAM_SORTS)
	filters = {
		"reference_type": CUSTOMER,
		"status": "Open",
		"allocated_to": ("in", [assigned_to] if assigned_to else team),
	}
	# ToDo's own rules show a user only their own; the team's tasks are shown on the customer's rights
	rows = frappe.get_all(TODO, filters=filters, fields=TEAM_TASK_FIELDS, order_by=TEAM_SORTS[order_by])
	visible = set(
		frappe.get_list(
			CUSTOMER, filters={"name": ("in", list({r.reference_name for r in rows}) or [""])}, pluck="name"
		)
	)
	rows = [r for r in rows if r.reference_name in visible]
	names = dict(
		frappe.get_all(
			CUSTOMER,
			filters={"name": ("in", list(visible) or [""])},
			fields=["name", "customer_name"],
			as_list=True,
		)
	)
	for row in rows:
		row.customer_name = names.get(row.reference_name)
	return {
		"team": team,
		"total": len(rows),
		"start": start,
		"page_length": page_length,
		"rows": rows[start : start + page_length],
	}
