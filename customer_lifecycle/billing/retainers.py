"""Retainers: money a customer pays in advance. A payment marked as a retainer deposit raises the
customer's retainer balance and pays no invoice; an invoice marked to pay from the retainer draws
what it can (up to its total) when it is submitted, and gives it back when it is cancelled.

The draw reads the balance under the customer's row lock, which every submit of that customer's
invoices and payments takes first, so two invoices submitted at the same moment never draw the same
money. When the balance falls below the customer's threshold, the responsible staff are told once
(until it rises above it again)."""

import frappe
from frappe import _
from frappe.utils import flt, fmt_money
from frappe.utils.user import get_users_with_role

from customer_lifecycle.billing.rules import money
from customer_lifecycle.utils.doctypes import CUSTOMER, MANAGER_ROLE
from customer_lifecycle.utils.notify import notify


def lock_customer(customer: str) -> frappe._dict:
	"""The customer's row, locked until the transaction ends (the point every money change of the
	customer queues at), with its retainer balance and threshold."""
	return frappe.db.get_value(
		CUSTOMER,
		customer,
		["name", "retainer_balance", "retainer_threshold", "retainer_notified", "customer_name"],
		as_dict=True,
		for_update=True,
	)


def draw(invoice) -> None:
	"""Customer Invoice.before_submit: take what the retainer can pay of the invoice."""
	row = lock_customer(invoice.customer)
	invoice.retainer_drawn = 0
	if invoice.draw_from_retainer:
		invoice.retainer_drawn = float(min(money(row.retainer_balance), money(invoice.total)))


def check_deposit_cancel(payment) -> None:
	"""Customer Payment.before_cancel: a deposit whose money invoices have drawn cannot be taken back."""
	if not payment.is_retainer_deposit:
		return
	row = lock_customer(payment.customer)
	if money(row.retainer_balance) < money(payment.amount):
		frappe.throw(
			_(
				"{0} cannot be cancelled: invoices have drawn {1} of its {2} from the retainer. Cancel those invoices first."
			).format(
				frappe.bold(payment.name),
				frappe.bold(float(money(payment.amount) - money(row.retainer_balance))),
				frappe.bold(flt(payment.amount)),
			),
			title=_("Retainer Drawn"),
		)


def check_threshold(customer: str) -> None:
	"""After a change of the retainer: below the threshold, the managers are told once; above it
	again, the next fall is told too."""
	row = frappe.db.get_value(
		CUSTOMER,
		customer,
		[
			"retainer_balance",
			"retainer_threshold",
			"retainer_notified",
			"customer_name",
			"currency",
			"_assign",
		],
		as_dict=True,
	)
	if not row or not flt(row.retainer_threshold):
		return
	below = money(row.retainer_balance) < money(row.retainer_threshold)
	if below and not row.retainer_notified:
		notify(
			responsible_staff(row),
			_("The retainer of {0} is down to {1}, below {2}.").format(
				frappe.bold(row.customer_name or customer),
				fmt_money(row.retainer_balance, currency=row.currency),
				fmt_money(row.retainer_threshold, currency=row.currency),
			),
			customer=customer,
		)
	if below != bool(row.retainer_notified):
		frappe.db.set_value(CUSTOMER, customer, "retainer_notified", int(below), update_modified=False)


def responsible_staff(customer_row) -> list[str]:
	"""The users the customer is assigned to, or the customer managers when it is assigned to nobody."""
	assigned = frappe.parse_json(customer_row.get("_assign") or "[]") or []
	return assigned or get_users_with_role(MANAGER_ROLE)
