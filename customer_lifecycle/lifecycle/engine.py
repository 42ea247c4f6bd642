"""The customer lifecycle, run by Frappe's Workflow.

Frappe's Workflow `Customer Lifecycle` holds the states and transitions; admins change them in the
Workflow editor. This module adds what the workflow engine does not do by itself:

- the state field changes only through a workflow action or the app's own automation, never by a
  plain write (REST `PUT`, `set_value`, Data Import, bulk edit, a `save()` with the state changed
  by hand);
- the state named "anonymized" in Customer Lifecycle Settings is final;
- every change is recorded as a Customer Lifecycle Change, with the time spent in the old state.

What counts as a workflow action is decided by the save itself, not by the HTTP entry point: every
path that applies one through Frappe's code (the desk's action menu, list bulk approval, the links
in Workflow Action emails, a Server Script, another app, a scheduled job) goes through
`frappe.model.workflow.apply_workflow`, which checks the user's roles, sets the state and saves
the document. A save of a customer whose state changed is a workflow action when that function is
applying an action to this very document further up the call stack; the action is the one it was
given. Frappe's role check (the transition must be allowed to one of the user's roles, with its
condition met) is made again here on every such save.

No state is named here: the states the app acts on come from Customer Lifecycle Settings.
"""

import inspect
import sys
from contextlib import contextmanager

import frappe
from frappe import _
from frappe.model import workflow as frappe_workflow
from frappe.model.workflow import (
	WorkflowPermissionError,
	get_workflow_name,
	is_transition_condition_satisfied,
)
from frappe.utils import escape_html, now_datetime, time_diff_in_seconds

from customer_lifecycle.lifecycle.rules import LifecycleRuleError, Transition, check_move, find_transition
from customer_lifecycle.utils import lengths
from customer_lifecycle.utils.doctypes import CHANGE_LOG, CUSTOMER, SETTINGS, STATE_FIELD

# the columns of a Customer Lifecycle Change, as the log, its API and the demo data write them
CHANGE_FIELDS = (
	"customer",
	"from_state",
	"to_state",
	"action",
	"reason",
	"automatic",
	"changed_by",
	"changed_on",
	"seconds_in_from_state",
)


class LifecycleBypassError(frappe.ValidationError):
	"""The state field was written directly instead of through a workflow action."""


class LifecycleTransitionError(frappe.ValidationError):
	"""The workflow does not allow the move that was asked for."""


def get_settings():
	return frappe.get_cached_doc(SETTINGS)


def get_workflow():
	"""The active Workflow on Customer (cached; Frappe clears the cache when it is saved), or None."""
	name = get_workflow_name(CUSTOMER)
	return frappe.get_cached_doc("Workflow", name) if name else None


def get_transitions(workflow) -> list[Transition]:
	return [Transition(t.state, t.action, t.next_state, t.allowed) for t in workflow.transitions]


def initial_state(workflow) -> str | None:
	return workflow.states[0].state if workflow and workflow.states else None


def terminal_states() -> list[str]:
	anonymized = get_settings().anonymized_state
	return [anonymized] if anonymized else []


# the code of Frappe's apply_workflow(doc, action), the one door of every workflow action (under the
# argument-type check that frappe.whitelist wraps it in)
APPLY_WORKFLOW = inspect.unwrap(frappe_workflow.apply_workflow).__code__


def applied_action(doc) -> str | None:
	"""The action Frappe's apply_workflow is applying to this very document object, when this save
	is its save (found up the call stack); None for any other save."""
	frame = sys._getframe(1)
	while frame is not None:
		if frame.f_code is APPLY_WORKFLOW:
			local = frame.f_locals
			if local.get("doc") is doc:
				return local.get("action")
		frame = frame.f_back
	return None


@contextmanager
def action_reason(customer: str | None, reason: str | None):
	"""The reason a person gave for the workflow action applied to `customer` inside the block
	(the desk's prompt, the app's API); it grants nothing by itself."""
	# the log row that will hold it is written without a save (record_change)
	lengths.check_text("Reason", reason)
	previous = frappe.flags.lifecycle_reasons
	frappe.flags.lifecycle_reasons = {**(previous or {}), customer: reason}
	try:
		yield
	finally:
		frappe.flags.lifecycle_reasons = previous


def action_context(doc) -> frappe._dict | None:
	"""How this save changes the state: the app's automation, or a workflow action (with the
	reason given for it); None for a plain write."""
	if doc.flags.lifecycle_automation:
		return doc.flags.lifecycle_automation
	action = applied_action(doc)
	if action is None:
		return None
	reason = (frappe.flags.lifecycle_reasons or {}).get(doc.name)
	return frappe._dict(action=action, reason=reason, automatic=0)


def validate_workflow(doc) -> None:
	"""Customer.validate_workflow: the checks Frappe's workflow makes, plus the lifecycle rules."""
	# the move this save makes, for on_update (the log, onboarding); none until shown otherwise
	doc.flags.lifecycle_change = None
	workflow = get_workflow()
	if not workflow:
		return
	before = None if doc.is_new() else doc.get_doc_before_save()
	old = before.get(STATE_FIELD) if before else None
	new = doc.get(STATE_FIELD)
	label = _(doc.meta.get_label(STATE_FIELD))

	if not before:
		first = initial_state(workflow)
		if new and new != first and not doc.flags.lifecycle_automation:
			frappe.throw(
				_(
					"A new customer starts as {0}; {1} cannot be set to {2} when the customer is created."
				).format(frappe.bold(_(first)), frappe.bold(label), frappe.bold(_(new))),
				LifecycleBypassError,
				title=_("Lifecycle"),
			)
		doc.set(STATE_FIELD, new or first)
		doc.lifecycle_since = doc.lifecycle_since or now_datetime()
		return

	if old == new:
		return

	try:
		check_move(old, new, terminal_states())
	except LifecycleRuleError:
		frappe.throw(
			_("{0} is a final state: this customer cannot be moved to {1}.").format(
				frappe.bold(_(old)), frappe.bold(_(new))
			),
			LifecycleTransitionError,
			title=_("Lifecycle"),
		)

	context = action_context(doc)
	if not context:
		frappe.throw(
			_(
				"{0} cannot be changed directly (from {1} to {2}). Use a lifecycle action: the Actions menu, the lifecycle API, or Frappe's apply_workflow."
			).format(frappe.bold(label), frappe.bold(_(old)), frappe.bold(_(new))),
			LifecycleBypassError,
			title=_("Lifecycle"),
		)
	if not doc.flags.lifecycle_automation:
		# a workflow action: the user's roles must allow this transition
		check_roles_allow(workflow, before, old, new)
	now = now_datetime()
	doc.flags.lifecycle_change = frappe._dict(
		context,
		from_state=old,
		to_state=new,
		changed_on=now,
		seconds=max(0, int(time_diff_in_seconds(now, before.get("lifecycle_since") or doc.creation))),
	)
	doc.lifecycle_since = now


def check_roles_allow(workflow, before, old: str, new: str) -> None:
	"""Frappe's own rule for a workflow save, read from the cached workflow: some transition from
	old to new must be allowed to one of the user's roles, with its condition met."""
	roles = set(frappe.get_roles())
	if not find_transition(
		workflow.transitions,
		old,
		new,
		lambda t: t.allowed in roles and is_transition_condition_satisfied(t, before),
	):
		frappe.throw(
			_("Workflow State transition not allowed from {0} to {1}").format(
				frappe.bold(old), frappe.bold(new)
			),
			WorkflowPermissionError,
		)


def record_change(doc) -> None:
	"""Customer.on_update: write the Customer Lifecycle Change for a move validated above."""
	change = doc.flags.get("lifecycle_change")
	if not change:
		return
	log = frappe.get_doc(
		{
			"doctype": CHANGE_LOG,
			"customer": doc.name,
			"from_state": change.from_state,
			"to_state": change.to_state,
			"action": change.action,
			"reason": change.reason,
			"automatic": change.automatic,
			"changed_by": frappe.session.user,
			"changed_on": change.changed_on,
			"seconds_in_from_state": change.seconds,
		}
	)
	# An append-only log row with no controller of its own and every link just validated on the
	# customer: one INSERT, without the whole document save (hooks for "*", notifications, ...)
	# that would double the cost of every move. The timeline reads these rows by query (timeline).
	# (owner and timestamps set here: Document.set_user_and_timestamp would also list the row in
	# frappe.flags.currently_saving, which only a full save clears)
	log.set_new_name()
	log.owner = log.modified_by = frappe.session.user
	log.creation = log.modified = change.changed_on
	log.db_insert()


def apply_action(customer: str, action: str, reason: str | None = None):
	"""A person's workflow action on one customer, with an optional reason. Frappe's apply_workflow
	loads the customer (once), checks the action against the user's roles and saves it, which
	checks that the user may write it. Returns the saved customer."""
	with action_reason(customer, reason):
		return frappe_workflow.apply_workflow({"doctype": CUSTOMER, "name": customer}, action)


def move_to(customer, target_state: str, reason: str | None = None, automatic: bool = True) -> bool:
	"""The app's own automation: move a customer to target_state along a transition of the workflow.

	The transition must exist in the workflow (for any role) and its condition must hold; nothing is
	forced. Returns False when the customer is already there. Raises LifecycleTransitionError otherwise.
	"""
	doc = frappe.get_doc(CUSTOMER, customer) if isinstance(customer, str) else customer
	current = doc.get(STATE_FIELD)
	if current == target_state:
		return False
	workflow = get_workflow()
	if not workflow:
		frappe.throw(_("Customers have no active lifecycle workflow."), LifecycleTransitionError)
	transition = find_transition(
		workflow.transitions, current, target_state, lambda t: is_transition_condition_satisfied(t, doc)
	)
	if not transition:
		frappe.throw(
			_("The lifecycle workflow does not allow a move from {0} to {1}.").format(
				frappe.bold(_(current)), frappe.bold(_(target_state))
			),
			LifecycleTransitionError,
			title=_("Lifecycle"),
		)
	doc.set(STATE_FIELD, target_state)
	state_row = next((s for s in workflow.states if s.state == target_state), None)
	if state_row and state_row.update_field:
		doc.set(state_row.update_field, state_row.update_value)
	doc.flags.lifecycle_automation = frappe._dict(
		action=transition.action, reason=reason, automatic=1 if automatic else 0
	)
	doc.save(ignore_permissions=True)
	return True


def timeline(doctype: str, docname: str) -> list[dict]:
	"""additional_timeline_content hook: lifecycle changes on the customer's form timeline."""
	rows = frappe.get_all(
		CHANGE_LOG,
		filters={"customer": docname},
		fields=list(CHANGE_FIELDS),
		order_by="changed_on desc",
		limit=200,
	)
	items = []
	for row in rows:
		who = (
			_("automatically")
			if row.automatic
			else _("by {0}").format(escape_html(frappe.utils.get_fullname(row.changed_by)))
		)
		content = _("Lifecycle moved from {0} to {1} ({2}) {3}").format(
			frappe.bold(escape_html(_(row.from_state))),
			frappe.bold(escape_html(_(row.to_state))),
			escape_html(_(row.action or "")),
			who,
		)
		if row.reason:
			content += ": " + escape_html(row.reason)
		items.append({"icon": "branch", "creation": row.changed_on, "content": content})
	return items


__all__ = [
	"LifecycleBypassError",
	"LifecycleTransitionError",
	"WorkflowPermissionError",
	"action_reason",
	"apply_action",
	"move_to",
	"record_change",
	"validate_workflow",
]
