"""Bulk actions from the customer list over HTTP: the selection and each action's parameters are
checked once per request, naming the field at fault; customers/bulk_actions.py does the work."""

import frappe
from frappe import _
from frappe.utils import getdate

from customer_lifecycle.customers import bulk_actions
from customer_lifecycle.customers.bulk_actions import BULK_LIMIT
from customer_lifecycle.lifecycle.engine import get_workflow
from customer_lifecycle.utils.args import json_arg, names_arg
from customer_lifecycle.utils.doctypes import CUSTOMER


@frappe.whitelist(methods=["POST"])
def run(action: str, customers: str | list, params: str | dict | None = None) -> dict:
	"""Apply `action` to each customer in `customers` (a list of names, at most BULK_LIMIT).

	params: tag {tag}; assign {assign_to, note, date}; lifecycle {action, reason}; archive, restore
	and delete take none. Returns {job_id, action, total, processed, finished, done, failed,
	results: [{customer, customer_name, result, message}]}; a large selection returns at once with
	finished = 0, then reports progress (PROGRESS_EVENT, and `processed` in get_results for a desk
	without a realtime connection) until get_results has them all."""
	frappe.has_permission(CUSTOMER, "read", throw=True)
	if action not in bulk_actions.HANDLERS:
		frappe.throw(
			_("Bulk action {0} is not known; use one of: {1}.").format(
				frappe.bold(action), ", ".join(bulk_actions.HANDLERS)
			),
			title=_("Unknown Action"),
		)
	names = parse_customers(customers)
	params = PREPARE.get(action, lambda p: frappe._dict())(json_arg(params, "params", dict) or frappe._dict())
	return bulk_actions.start(action, names, params)


@frappe.whitelist(methods=["GET"])
def get_results(job_id: str | None = None) -> dict | None:
	"""The state and results of a bulk run the current user started (their latest when no job_id),
	for an hour after it finished. None when there is nothing (any more)."""
	return bulk_actions.results(job_id)


@frappe.whitelist(methods=["POST"])
def resume(job_id: str) -> dict:
	"""Run the rest of a background run that stopped before its end (its worker died): the customers
	it did not reach. Only the user who started it (or Administrator) may; returns its state, running
	again, as `run` does for a large selection."""
	frappe.has_permission(CUSTOMER, "read", throw=True)
	return bulk_actions.resume(job_id)


def parse_customers(customers: str | list) -> list[str]:
	"""The selected names, without blanks or repeats, in their order; at most BULK_LIMIT."""
	names = names_arg(customers, "customers")
	if not names:
		frappe.throw(_("Select at least one {0}.").format(_(CUSTOMER)), title=_("Nothing Selected"))
	if len(names) > BULK_LIMIT:
		frappe.throw(
			_(
				"Bulk actions take up to {0} customers at a time; {1} were selected. Narrow the list with a filter."
			).format(BULK_LIMIT, len(names)),
			title=_("Too Many Customers"),
		)
	return names


def required(params: frappe._dict, field: str, label: str) -> str:
	value = str(params.get(field) or "").strip()
	if not value:
		frappe.throw(
			_("{0} is required.").format(frappe.bold(label)), frappe.MandatoryError, title=_("Missing Value")
		)
	return value


def prepare_tag(params: frappe._dict) -> frappe._dict:
	tag = required(params, "tag", _("Tag"))
	if "," in tag:
		frappe.throw(
			_("{0}: a tag cannot contain a comma ({1}).").format(frappe.bold(_("Tag")), tag),
			title=_("Invalid Tag"),
		)
	if len(tag) > 140:
		frappe.throw(
			_("{0}: a tag has at most 140 characters.").format(frappe.bold(_("Tag"))), title=_("Invalid Tag")
		)
	return frappe._dict(tag=tag)


def prepare_assign(params: frappe._dict) -> frappe._dict:
	user = required(params, "assign_to", _("Assign To"))
	if not frappe.db.get_value("User", {"name": user, "enabled": 1}):
		frappe.throw(
			_("{0}: {1} is not an enabled user.").format(frappe.bold(_("Assign To")), user),
			title=_("Invalid User"),
		)
	date = params.get("date") or None
	if date:
		try:
			date = str(getdate(date))
		except Exception:
			frappe.throw(
				_("{0}: {1} is not a date.").format(frappe.bold(_("Due Date")), date), title=_("Invalid Date")
			)
	return frappe._dict(assign_to=user, note=(params.get("note") or "").strip() or None, date=date)


def prepare_lifecycle(params: frappe._dict) -> frappe._dict:
	action = required(params, "action", _("Lifecycle Action"))
	workflow = get_workflow()
	if not workflow or action not in {t.action for t in workflow.transitions}:
		frappe.throw(
			_("{0}: {1} is not an action of the lifecycle workflow.").format(
				frappe.bold(_("Lifecycle Action")), action
			),
			title=_("Unknown Action"),
		)
	return frappe._dict(action=action, reason=(params.get("reason") or "").strip() or None)


PREPARE = {"tag": prepare_tag, "assign": prepare_assign, "lifecycle": prepare_lifecycle}
