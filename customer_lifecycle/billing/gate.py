"""Which customers may be billed: only those whose lifecycle state is one of the billable states of
Customer Lifecycle Settings (seeded with the active state). New engagements and invoices for other
customers are refused with a message that names the customer's state. No state is named here."""

import frappe
from frappe import _

from customer_lifecycle.lifecycle.engine import get_settings
from customer_lifecycle.utils.doctypes import STATE_FIELD


class NotBillableError(frappe.ValidationError):
	"""The customer's lifecycle state does not allow new engagements or invoices."""


def billable_states() -> list[str]:
	"""The billable states; the active state when an admin has emptied the list."""
	settings = get_settings()
	states = [row.state for row in settings.get("billable_states") or [] if row.state]
	return states or [s for s in (settings.active_state,) if s]


def check_billable(customer: str, what: str, field: str | None = None) -> None:
	"""Refuse a new `what` (a translated DocType label) for a customer that may not be billed; the
	message starts with `field` (a field label) when the customer came through one."""
	check_state(customer, frappe.db.get_value("Customer", customer, STATE_FIELD), what, field)


def check_state(customer: str, state: str | None, what: str, field: str | None = None) -> None:
	"""check_billable for a customer whose state was read already (records made in bulk)."""
	allowed = billable_states()
	if state in allowed:
		return
	prefix = _("{0}: ").format(frappe.bold(_(field))) if field else ""
	frappe.throw(
		prefix
		+ _("{0} is in the lifecycle state {1}: a new {2} is only accepted for customers in {3}.").format(
			frappe.bold(customer),
			frappe.bold(_(state or "")),
			_(what),
			", ".join(frappe.bold(_(s)) for s in allowed) or _("(no state)"),
		),
		NotBillableError,
		title=_("Customer Not Billable"),
	)
