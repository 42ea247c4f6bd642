"""Customer Payments: allocation to the customer's invoices and its effect on their outstanding amounts.

A draft's allocations are a preview. On submit the invoices concerned are locked (in name order,
`invoices.lock_open_invoices`) and the allocations are made again from what the invoices owe at
that moment (oldest first) or, when the user edited them, checked against it; a payment that would
pay an invoice more than it owes is refused. Cancelling a payment gives the invoices back what it
paid, under the same locks.
"""

import frappe
from frappe import _
from frappe.utils import flt

from customer_lifecycle.billing import invoices, rules
from customer_lifecycle.utils.doctypes import INVOICE


class OverAllocationError(frappe.ValidationError):
	"""The allocations pay more than an invoice owes or than the payment brings."""


def open_invoices(rows) -> list[rules.OpenInvoice]:
	return [
		rules.OpenInvoice(r.name, rules.money(r.outstanding_amount), r.due_date, r.posting_date)
		for r in rows
		if flt(r.outstanding_amount) > 0
	]


def read_open_invoices(customer: str) -> list[frappe._dict]:
	"""The customer's submitted invoices that owe money, read without locks (previews, the form)."""
	return frappe.get_all(
		INVOICE,
		filters={"customer": customer, "docstatus": 1, "outstanding_amount": (">", 0)},
		fields=["name", "outstanding_amount", "total", "due_date", "posting_date", "status"],
		order_by="due_date asc, posting_date asc, name asc",
	)


def allocate(payment, rows) -> None:
	"""Set the payment's allocations, oldest first, from the invoice rows given (name, outstanding ...)."""
	by_name = {r.name: r for r in rows}
	# the rows the draft saved are reused: a submit that inserted new rows would wait on the next-key
	# locks another payment's submit holds on its own rows (Frappe reads them FOR UPDATE first)
	# while that payment waits on our invoice locks, a deadlock
	kept = list(payment.get("allocations") or [])
	payment.set("allocations", [])
	for i, (name, amount) in enumerate(rules.allocate(payment.amount, open_invoices(rows))):
		row = payment.append("allocations", kept[i] if i < len(kept) else {})
		row.update(
			{
				"idx": i + 1,
				"invoice": name,
				"due_date": by_name[name].due_date,
				"outstanding_amount": by_name[name].outstanding_amount,
				"allocated_amount": float(amount),
			}
		)


def check(payment, rows) -> None:
	"""Check the payment's own allocations against the invoice rows given; refuse what is wrong."""
	outstanding = {r.name: r.outstanding_amount for r in rows if flt(r.outstanding_amount) > 0}
	pairs = [(a.invoice, a.allocated_amount) for a in payment.allocations]
	try:
		rules.check_allocations(payment.amount, pairs, outstanding)
	except rules.AllocationError as e:
		frappe.throw(
			allocation_message(e, pairs, outstanding, payment.amount),
			OverAllocationError,
			title=_("Invalid Allocation"),
		)
	for a in payment.allocations:
		if a.invoice in outstanding:
			a.outstanding_amount = outstanding[a.invoice]


def allocation_message(error: rules.AllocationError, pairs, outstanding: dict, amount) -> str:
	"""What a rules.AllocationError means, for the person who made the allocation."""
	reason, invoice = error.args[0], frappe.bold(error.invoice)
	if reason == "allocated twice":
		return _("Invoice {0} is allocated twice.").format(invoice)
	if reason == "not positive":
		return _("The amount allocated to invoice {0} must be more than 0.").format(invoice)
	if reason == "not open":
		return _("Invoice {0} is not a submitted invoice of this customer that still owes money.").format(
			invoice
		)
	if reason == "more than outstanding":
		return _("The amount allocated to invoice {0} is more than it owes ({1}).").format(
			invoice, rules.money(outstanding.get(error.invoice))
		)
	return _("The allocations add up to {0}, more than the payment's amount {1}.").format(
		sum(rules.money(a) for _i, a in pairs), rules.money(amount)
	)


def set_totals(payment) -> None:
	payment.allocated_amount = float(sum(rules.money(a.allocated_amount) for a in payment.allocations))
	payment.unallocated_amount = float(rules.money(payment.amount) - rules.money(payment.allocated_amount))


def preview(payment) -> None:
	"""validate: the allocations as they would be now (no locks); a retainer deposit pays none."""
	if payment.is_retainer_deposit:
		payment.set("allocations", [])
		set_totals(payment)
		return
	rows = read_open_invoices(payment.customer)
	if payment.allocate_oldest_first:
		allocate(payment, rows)
	else:
		check(payment, rows)
	set_totals(payment)


def settle(payment) -> None:
	"""before_submit: lock the invoices, then allocate (or check the allocations) against what
	they owe now. Runs inside the submit's transaction, so the locks last until it commits. A retainer
	deposit takes the customer's lock only (the retainer changes under it)."""
	if payment.is_retainer_deposit:
		invoices.lock_open_invoices(payment.customer, [])
		payment.set("allocations", [])
	elif payment.allocate_oldest_first:
		allocate(payment, list(invoices.lock_open_invoices(payment.customer).values()))
	else:
		names = [a.invoice for a in payment.allocations]
		check(payment, list(invoices.lock_open_invoices(payment.customer, names).values()))
	set_totals(payment)


def apply(payment, sign: int) -> None:
	"""Take the allocations off the invoices' outstanding amounts (sign -1, on submit) or give them
	back (sign +1, on cancel). On cancel the rows are locked here first."""
	names = [a.invoice for a in payment.allocations]
	if sign > 0:
		invoices.lock_open_invoices(payment.customer, names)
	for a in sorted(payment.allocations, key=lambda a: a.invoice):
		invoices.change_outstanding(a.invoice, sign * flt(a.allocated_amount))
