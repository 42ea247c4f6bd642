"""The Customer 360 over HTTP: the header's summary and the customer's tasks.

Tasks are Frappe assignments: ToDo records whose reference is the customer, so they also show in
each assignee's To Do list, in the form's "Assigned To" and in the list's assignment filter. A
customer may hold any number of them, also several for one person (Frappe's assign dialog allows
only one open assignment per person and document, so tasks are inserted here directly).

Who may see the customer may see its tasks; who may edit the customer may add, complete, edit and
delete them, whoever they are assigned to: the team shares a customer's task list.
"""

import html

import frappe
from frappe import _
from frappe.desk.form import assign_to as frappe_assign
from frappe.utils import escape_html, get_fullname, strip_html_tags

from customer_lifecycle.customers import tasks as customer_tasks
from customer_lifecycle.customers.summary import customer_summary
from customer_lifecycle.customers.tasks import is_today
from customer_lifecycle.utils import paging
from customer_lifecycle.utils.args import choice_arg, date_arg
from customer_lifecycle.utils.doctypes import CUSTOMER
from customer_lifecycle.utils.normalize import normalize_text

TODO = "ToDo"
TASK_FIELDS = ["name", "description", "status", "date", "allocated_to", "assigned_by", "modified", "creation"]
# closed tasks shown under the open ones, newest first
CLOSED_SHOWN = 20


@frappe.whitelist(methods=["GET"])
@frappe.read_only()
def summary(customer: str) -> dict:
	"""The header of the customer form: its fields and counts (None: the module is not installed).
	Read from the replica when the site has one (`read_from_replica`): it may lag the form by the
	replica's delay (README: "Reads from a replica")."""
	frappe.has_permission(CUSTOMER, "read", customer, throw=True)
	return customer_summary(customer)


@frappe.whitelist(methods=["GET"])
def tasks(customer: str, scope: str = "today") -> list[dict]:
	"""The customer's tasks, today's first (made or due today; `today: true`). scope "today": those
	only; "all": then the other open ones, oldest first, then the most recently closed ones."""
	frappe.has_permission(CUSTOMER, "read", customer, throw=True)
	choice_arg(scope, "Scope", ("today", "all"))
	reference = {"reference_type": CUSTOMER, "reference_name": customer}
	rows = frappe.get_all(
		TODO, filters={**reference, "status": "Open"}, fields=TASK_FIELDS, order_by="creation asc"
	)
	rows += frappe.get_all(
		TODO,
		filters={**reference, "status": "Closed"},
		fields=TASK_FIELDS,
		order_by="modified desc",
		limit=CLOSED_SHOWN,
	)
	today = [row for row in rows if is_today(row)]
	rest = [] if scope == "today" else [row for row in rows if not is_today(row)]
	return [task_dict(row) for row in today + rest]


@frappe.whitelist(methods=["GET"])
def team_tasks(
	assigned_to: str | None = None, order_by: str = "date", start: int = 0, page_length: int = 20
) -> dict:
	"""The open customer tasks of the user's team (the users sharing a User Group with them), a page
	at a time, on the customers the user may see; `assigned_to` narrows them to one member."""
	frappe.has_permission(CUSTOMER, "read", throw=True)
	result = customer_tasks.team_tasks(
		frappe.session.user,
		assigned_to or None,
		order_by,
		*paging.bounds(start, page_length),
	)
	result["rows"] = [
		{**task_dict(row), "customer": row.reference_name, "customer_name": row.customer_name}
		for row in result["rows"]
	]
	return result


@frappe.whitelist(methods=["POST"])
def add_task(customer: str, description: str, assign_to: str | None = None, date: str | None = None) -> dict:
	"""A new open task on the customer, for `assign_to` (default: the current user)."""
	frappe.has_permission(CUSTOMER, "write", customer, throw=True)
	user = frappe.session.user
	todo = frappe.get_doc(
		{
			"doctype": TODO,
			"reference_type": CUSTOMER,
			"reference_name": customer,
			"description": clean_description(description),
			"allocated_to": check_assignee(customer, assign_to or user),
			"date": date_arg(date, "Due Date"),
			"assigned_by": user,
			"status": "Open",
		}
	)
	# the customer's permission, checked above, stands for the ToDo's
	todo.insert(ignore_permissions=True)
	notify_assignee(todo)
	return task_dict(todo)


@frappe.whitelist(methods=["POST"])
def complete_task(task: str) -> dict:
	"""Close a task (Frappe tells its assignee when someone else closes it)."""
	todo = get_task(task)
	if todo.status != "Closed":
		frappe_assign.set_status(
			CUSTOMER, todo.reference_name, todo=todo.name, status="Closed", ignore_permissions=True
		)
	return task_dict(frappe.get_doc(TODO, todo.name))


@frappe.whitelist(methods=["POST"])
def reopen_task(task: str) -> dict:
	"""Open a closed task again."""
	todo = get_task(task)
	if todo.status != "Open":
		todo.status = "Open"
		todo.save(ignore_permissions=True)
	return task_dict(todo)


@frappe.whitelist(methods=["POST"])
def edit_task(
	task: str, description: str | None = None, assign_to: str | None = None, date: str | None = None
) -> dict:
	"""Change a task's text, assignee or due date (arguments left out stay as they are; date "" clears it)."""
	todo = get_task(task)
	if description is not None:
		todo.description = clean_description(description)
	if date is not None:
		todo.date = date_arg(date, "Due Date")
	reassigned = bool(assign_to) and assign_to != todo.allocated_to
	if reassigned:
		todo.allocated_to = check_assignee(todo.reference_name, assign_to)
		todo.assigned_by = frappe.session.user
	todo.save(ignore_permissions=True)
	if reassigned:
		notify_assignee(todo)
	return task_dict(todo)


@frappe.whitelist(methods=["POST"])
def delete_task(task: str) -> dict:
	"""Delete a task for good (Frappe's "remove assignment" would only cancel it)."""
	todo = get_task(task)
	frappe.delete_doc(TODO, todo.name, ignore_permissions=True)
	return {"name": todo.name, "deleted": True}


def get_task(task: str):
	"""The ToDo of a customer task, after checking that the user may edit the customer."""
	try:
		todo = frappe.get_doc(TODO, task)
	except frappe.DoesNotExistError:
		frappe.clear_last_message()
		todo = None
	if not todo or todo.reference_type != CUSTOMER or not todo.reference_name:
		frappe.throw(_("{0} is not a customer task.").format(frappe.bold(task)), frappe.DoesNotExistError)
	frappe.has_permission(CUSTOMER, "write", todo.reference_name, throw=True)
	return todo


def clean_description(description: str | None) -> str:
	text = normalize_text(description)
	if not text:
		frappe.throw(_("{0} is required.").format(frappe.bold(_("Task"))), frappe.MandatoryError)
	# ToDo.description is HTML (a Text Editor); the text is stored escaped, as Frappe's assign does
	return escape_html(text)


def check_assignee(customer: str, user: str) -> str:
	"""The user, if enabled and allowed to see the customer (tasks never widen who sees a customer)."""
	if not frappe.db.get_value("User", user, "enabled"):
		frappe.throw(
			_("{0}: {1} is not an active user.").format(
				frappe.bold(_("Assigned To")), frappe.bold(escape_html(user))
			),
			frappe.ValidationError,
		)
	if not frappe.has_permission(CUSTOMER, "read", customer, user=user):
		frappe.throw(
			_("{0}: {1} may not see this customer.").format(frappe.bold(_("Assigned To")), frappe.bold(user)),
			frappe.ValidationError,
		)
	return user


def notify_assignee(todo) -> None:
	frappe_assign.notify_assignment(
		todo.assigned_by,
		todo.allocated_to,
		todo.reference_type,
		todo.reference_name,
		action="ASSIGN",
		description=todo.description,
	)


def task_dict(todo) -> dict:
	"""A task as the form shows it: plain text (the ToDo may hold HTML from Frappe's dialogs)."""
	return {
		"name": todo.name,
		"text": html.unescape(strip_html_tags(todo.description or "")).strip(),
		"status": todo.status,
		"date": str(todo.date) if todo.date else None,
		"allocated_to": todo.allocated_to,
		"allocated_to_name": get_fullname(todo.allocated_to) if todo.allocated_to else None,
		"assigned_by": todo.assigned_by,
		"modified": str(todo.modified),
		"today": is_today({"creation": todo.creation, "date": todo.date}),
	}
