"""Anonymizing a customer: the workflow's move into Customer Lifecycle Settings' anonymized state, made
only by `anonymize` after the customer's name was typed to confirm it (`validate_anonymize` refuses
the move any other way); right after the move, in the same transaction, `scrub.scrub` removes the
personal data. The anonymized state is final, and an anonymized customer is given no personal data
again.
"""

import frappe
from frappe import _
from frappe.model import workflow as frappe_workflow
from frappe.utils import escape_html

from customer_lifecycle.lifecycle import engine
from customer_lifecycle.lifecycle.rules import find_transition
from customer_lifecycle.privacy import scrub
from customer_lifecycle.privacy.records import PERSONAL_FIELDS, anonymized_reason, anonymized_state
from customer_lifecycle.utils.doctypes import CUSTOMER, STATE_FIELD
from customer_lifecycle.utils.flags import temporary_flag
from customer_lifecycle.utils.normalize import normalize_text


class AnonymizeConfirmationError(frappe.ValidationError):
	"""The move into the anonymized state was not confirmed by typing the customer's name."""


def anonymize(customer: str, confirm_name: str | None) -> dict:
	"""Anonymize a customer for good, once its name was typed to confirm: the workflow action is
	applied as any other lifecycle action (its roles and conditions hold), and the personal data is
	removed in the same transaction. {name, lifecycle_status, removed: counts by kind}."""
	doc = frappe.get_doc(CUSTOMER, customer)
	check_confirmation(doc, confirm_name)
	action = check_can_anonymize(doc)
	with confirmed(doc.name):
		moved = engine.apply_action(doc.name, action, anonymized_reason())
	removed = scrub.scrub(doc.name)
	return {"name": moved.name, STATE_FIELD: moved.get(STATE_FIELD), "removed": removed}


def anonymize_action(doc) -> str | None:
	"""The workflow action that anonymizes this customer now, if the current user may apply it."""
	state = anonymized_state()
	if not state or doc.get(STATE_FIELD) == state:
		return None
	user = frappe.session.user
	for transition in frappe_workflow.get_transitions(doc):
		if transition.next_state == state and frappe_workflow.has_approval_access(user, doc, transition):
			return transition.action
	return None


def check_can_anonymize(doc) -> str:
	"""The action to apply; otherwise say why this customer cannot be anonymized by this user now."""
	action = anonymize_action(doc)
	if action:
		return action
	state, current = anonymized_state(), doc.get(STATE_FIELD)
	workflow = engine.get_workflow()
	if state and workflow and current != state and find_transition(workflow.transitions, current, state):
		frappe.throw(
			_("You are not allowed to anonymize {0}.").format(frappe.bold(doc.name)),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	frappe.throw(
		_("{0} is {1}: the lifecycle workflow does not anonymize a customer from this state.").format(
			frappe.bold(doc.name), frappe.bold(_(current))
		),
		engine.LifecycleTransitionError,
		title=_("Anonymize"),
	)


def check_confirmation(doc, confirm_name: str | None) -> None:
	"""The name typed to confirm must be the customer's name (spaces and case aside)."""

	def clean(value):
		return (normalize_text(value) or "").casefold()

	if not clean(confirm_name) or clean(confirm_name) != clean(doc.customer_name):
		frappe.throw(
			_(
				"{0}: type the customer's name, {1}, exactly to confirm that its personal data is removed for good."
			).format(frappe.bold(_("Confirm Name")), frappe.bold(escape_html(doc.customer_name))),
			AnonymizeConfirmationError,
			title=_("Anonymize"),
		)


def confirmed(customer: str):
	"""Mark the save inside the block as the confirmed anonymization of this customer."""
	return temporary_flag("anonymizing", customer)


def validate_anonymize(doc) -> None:
	"""Customer.validate: the move into the anonymized state happens only through the app's
	`anonymize` (the name typed to confirm, the personal data removed right after), never through
	the desk's action menu, a bulk action or the REST API alone; and an anonymized customer is given
	no personal data again."""
	state = anonymized_state()
	if not state or doc.is_new() or doc.get(STATE_FIELD) != state:
		return
	before = doc.get_doc_before_save()
	if not before:
		return
	if before.get(STATE_FIELD) != state:
		if frappe.flags.get("anonymizing") != doc.name:
			frappe.throw(
				_(
					"{0} removes the customer's personal data for good. Use {1} on the customer's form and type its name to confirm."
				).format(frappe.bold(_(state)), frappe.bold(_("Anonymize"))),
				AnonymizeConfirmationError,
				title=_("Anonymize"),
			)
		return
	changed = [f for f in ("customer_name", *PERSONAL_FIELDS) if doc.get(f) and doc.get(f) != before.get(f)]
	if changed:
		frappe.throw(
			_("{0} is anonymized: {1} cannot be set again.").format(
				frappe.bold(doc.name), ", ".join(frappe.bold(_(doc.meta.get_label(f))) for f in changed)
			),
			frappe.ValidationError,
			title=_("Anonymized"),
		)
