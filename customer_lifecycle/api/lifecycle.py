"""Lifecycle actions over HTTP.

`apply_workflow` and `bulk_workflow_approval` stand in for Frappe's methods of the same names
(hooks.py `override_whitelisted_methods`), so the desk's action menu and list bulk actions mark
their saves as workflow actions; they then call Frappe's own code unchanged.
"""

import frappe
from frappe import _
from frappe.model import workflow as frappe_workflow

from customer_lifecycle.lifecycle.engine import CHANGE_FIELDS, CHANGE_LOG, CUSTOMER, STATE_FIELD, workflow_action

BULK_LIMIT = 500
BULK_INLINE = 20


@frappe.whitelist(methods=["POST"])
def apply_workflow(doc: str | dict, action: str):
	"""Frappe's apply_workflow, with an optional `_lifecycle_reason` carried in the doc."""
	data = frappe.parse_json(doc)
	reason = data.pop("_lifecycle_reason", None) if isinstance(data, dict) else None
	with workflow_action(action, reason):
		return frappe_workflow.apply_workflow(data, action)


@frappe.whitelist(methods=["POST"])
def bulk_workflow_approval(docnames: str | list, doctype: str, action: str):
	"""Frappe's bulk workflow action from the list view, marked as workflow actions."""
	frappe.has_permission(doctype, "write", throw=True)
	names = frappe.parse_json(docnames)
	if len(names) > BULK_LIMIT:
		frappe.throw(_("Bulk actions support up to {0} documents.").format(BULK_LIMIT), title=_("Too Many Documents"))
	if len(names) < BULK_INLINE:
		return run_bulk_workflow_action(names, doctype, action)
	frappe.msgprint(_("Bulk {0} is enqueued in background.").format(_(action)), alert=True)
	frappe.enqueue(
		run_bulk_workflow_action,
		docnames=names,
		doctype=doctype,
		action=action,
		queue="short",
		timeout=1000,
		enqueue_after_commit=True,
	)


def run_bulk_workflow_action(docnames: list, doctype: str, action: str):
	with workflow_action(action):
		frappe_workflow._bulk_workflow_action(docnames, doctype, action)


@frappe.whitelist(methods=["POST"])
def apply_action(customer: str, action: str, reason: str | None = None) -> dict:
	"""Apply a lifecycle action (as named in the workflow) to one customer, with an optional reason."""
	# one read of the customer for the permission check and the action (Frappe's apply_workflow
	# reloads it, and its save reads it again as it was)
	doc = frappe.get_doc(CUSTOMER, customer)
	doc.check_permission("write")
	with workflow_action(action, reason):
		doc = frappe_workflow.apply_workflow(doc, action)
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
