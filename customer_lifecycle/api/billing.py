"""Billing over HTTP: engagement delivery, the data the invoice and payment forms need, recording a
payment from the customer form, and payment reminders. Each method checks permission first;
changes are POST only. Lists may come as JSON text (frappe.call) or as lists."""

import frappe
from frappe import _
from frappe.utils import flt, nowdate

from customer_lifecycle.billing import engagements, ledgers, payments, rates, reminders
from customer_lifecycle.utils import paging
from customer_lifecycle.utils.args import choice_arg, date_arg, names_arg
from customer_lifecycle.utils.deadlocks import retry_deadlocks
from customer_lifecycle.utils.doctypes import CUSTOMER, ENGAGEMENT, INVOICE, PAYMENT


@frappe.whitelist(methods=["POST"])
@retry_deadlocks
def mark_delivered(names: str | list) -> list[str]:
	"""Mark one engagement or many delivered; the names that changed."""
	return set_delivered(names, True)


@frappe.whitelist(methods=["POST"])
@retry_deadlocks
def mark_undelivered(names: str | list) -> list[str]:
	"""Return one engagement or many to the status they had before delivery; the names that changed."""
	return set_delivered(names, False)


def set_delivered(names: str | list, delivered: bool) -> list[str]:
	names = names_arg(names, "names")
	if not names:
		frappe.throw(_("Choose at least one engagement."), title=_("No Engagement"))
	for name in names:
		frappe.has_permission(ENGAGEMENT, "write", name, throw=True)
	return engagements.set_delivered(names, delivered)


@frappe.whitelist(methods=["GET"])
def open_invoices(customer: str) -> list[dict]:
	"""The customer's submitted invoices that still owe money, oldest due first (payment form)."""
	frappe.has_permission(CUSTOMER, "read", customer, throw=True)
	frappe.has_permission(INVOICE, "read", throw=True)
	return payments.read_open_invoices(customer)


@frappe.whitelist(methods=["GET"])
def item_rate(customer: str, item_code: str) -> dict | None:
	"""The customer's rate for an item code (its own, else its category's), or None (invoice form)."""
	frappe.has_permission(CUSTOMER, "read", customer, throw=True)
	frappe.has_permission(INVOICE, "read", throw=True)
	return rates.find_rates(customer, [item_code]).get(item_code)


@frappe.whitelist(methods=["POST"])
@retry_deadlocks
def record_payment(
	customer: str,
	amount: float,
	method: str = "Cash",
	posting_date: str | None = None,
	reference: str | None = None,
	notes: str | None = None,
	invoice: str | None = None,
	is_retainer_deposit: bool = False,
) -> dict:
	"""Record and submit a payment from the customer's form: allocated oldest first, or to `invoice`
	(an invoice row's "Record Payment"), or held as a retainer deposit. Returns the payment's name
	and allocations and the customer's balance and retainer afterwards, in its currency."""
	frappe.has_permission(PAYMENT, "submit", throw=True)
	frappe.has_permission(CUSTOMER, "read", customer, throw=True)
	payment = frappe.get_doc(
		{
			"doctype": PAYMENT,
			"customer": customer,
			"amount": flt(amount),
			"method": method,
			"posting_date": date_arg(posting_date, "Posting Date") or nowdate(),
			"reference": reference,
			"notes": notes,
			"is_retainer_deposit": 1 if frappe.utils.sbool(is_retainer_deposit) else 0,
			"allocate_oldest_first": 0 if invoice else 1,
			"allocations": [{"invoice": invoice, "allocated_amount": flt(amount)}] if invoice else [],
		}
	)
	payment.insert()
	payment.submit()
	return {
		"name": payment.name,
		"allocations": [
			{"invoice": a.invoice, "allocated_amount": a.allocated_amount} for a in payment.allocations
		],
		"unallocated_amount": payment.unallocated_amount,
		**frappe.db.get_value(CUSTOMER, customer, ["balance", "retainer_balance", "currency"], as_dict=True),
	}


@frappe.whitelist(methods=["POST"])
def send_payment_reminders(invoices: str | list) -> dict:
	"""Remind customers of overdue invoices, one or many. Up to reminders.INLINE_LIMIT run now and
	return {"sent", "skipped"}; more run as a background job ({"queued": True}) whose result arrives
	as the realtime event `payment_reminders_sent`."""
	names = names_arg(invoices, "invoices")
	for name in names:
		frappe.has_permission(INVOICE, "email", name, throw=True)
	if len(names) > reminders.INLINE_LIMIT:
		frappe.enqueue(
			reminders.send_reminders_job,
			queue="long",
			invoices=names,
			user=frappe.session.user,
			enqueue_after_commit=True,
		)
		return {"queued": True, "count": len(names)}
	return reminders.send_reminders(names)


@frappe.whitelist(methods=["GET"])
def customer_records(
	customer: str, ledger: str | None = None, start: int = 0, page_length: int = ledgers.PAGE_LENGTH
) -> dict:
	"""A page of the customer's engagements, invoices or payments (`ledger`), newest first, with the
	count of all: {rows, total, start, page_length}. The customer is checked first: a caller who may
	not read it learns nothing, not even which arguments are missing."""
	return paging.customer_tab(
		customer,
		lambda: ledgers.page(customer, choice_arg(ledger, "ledger", ledgers.LEDGERS), start, page_length),
	)
