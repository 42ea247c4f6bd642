"""Lifecycle actions over HTTP.

A state change is a workflow action when Frappe's own `apply_workflow` makes it (engine.py), so the
desk's action menu, Frappe's list bulk approval and Workflow Action links need nothing from here.
`apply_workflow` stands in for Frappe's method of the same name (hooks.py
`override_whitelisted_methods`) only to take the optional reason the desk's prompt adds to the
document (`_lifecycle_reason`); it then calls Frappe's code unchanged.
"""

import frappe
from frappe import _
from frappe.model import workflow as frappe_workflow
from frappe.model.document import Document

from customer_lifecycle.lifecycle import engine
from customer_lifecycle.lifecycle.engine import (
	CHANGE_FIELDS,
	CHANGE_LOG,
	CUSTOMER,
	STATE_FIELD,
	action_reason,
)
from customer_lifecycle.utils.args import json_arg
from customer_lifecycle.utils.deadlocks import retry_deadlocks


@frappe.whitelist(methods=["POST"])
@retry_deadlocks
def apply_workflow(doc: str | dict | Document, action: str):
	"""Frappe's apply_workflow, with an optional `_lifecycle_reason` carried in the doc (a Server
	Script's frappe.call may pass the document itself)."""
	if isinstance(doc, Document):
		return frappe_workflow.apply_workflow(doc, action)
	data = json_arg(doc, "doc", dict)
	if not data:
		frappe.throw(_("{0} is required.").format(frappe.bold("doc")), frappe.MandatoryError)
	reason = data.pop("_lifecycle_reason", None)
	with action_reason(data.get("name"), reason):
		return frappe_workflow.apply_workflow(data, action)


@frappe.whitelist(methods=["POST"])
@retry_deadlocks
def apply_action(customer: str, action: str, reason: str | None = None) -> dict:
	"""Apply a lifecycle action (as named in the workflow) to one customer, with an optional reason."""
	doc = engine.apply_action(customer, action, reason)
	return {"name": doc.name, STATE_FIELD: doc.get(STATE_FIELD)}


@frappe.whitelist(methods=["GET"])
def get_actions(customer: str) -> list[dict]:
	"""The actions the current user may apply to a customer now: [{action, next_state}]."""
	frappe.has_permission(CUSTOMER, "read", customer, throw=True)
	doc = frappe.get_doc(CUSTOMER, customer)
	return [
		{"action": t.action, "next_state": t.next_state}
		for t in frappe_workflow.get_transitions(doc)
		if frappe_workflow.has_approval_access(frappe.session.user, doc, t)
	]


@frappe.whitelist(methods=["GET"])
def get_history(customer: str) -> list[dict]:
	"""Every lifecycle change of a customer, newest first."""
	frappe.has_permission(CUSTOMER, "read", customer, throw=True)
	return frappe.get_list(
		CHANGE_LOG,
		filters={"customer": customer},
		fields=list(CHANGE_FIELDS),
		order_by="changed_on desc",
		limit_page_length=0,
	)
