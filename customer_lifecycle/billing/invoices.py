"""Customer Invoices: totals, outstanding amount and status, the row locks payments take, and the
daily move of unpaid invoices past their due date to Overdue.

A customer's balance is the sum of the outstanding amounts of its submitted invoices; payments
change outstanding amounts only while they hold the invoices' rows locked (`lock_open_invoices`),
always in the order of their names, so two payments at the same moment neither over-allocate an
invoice nor deadlock.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import flt, getdate, nowdate

from customer_lifecycle.billing import rules
from customer_lifecycle.utils.doctypes import INVOICE


def set_amounts(invoice) -> None:
	"""Row amounts and the total; a draft's outstanding amount is its total."""
	for row in invoice.items:
		if flt(row.qty) <= 0:
			frappe.throw(
				_("Row {0}: {1} must be more than 0.").format(row.idx, frappe.bold(_("Quantity"))),
				title=_("Invalid Quantity"),
			)
		if flt(row.rate) < 0:
			frappe.throw(
				_("Row {0}: {1} cannot be negative.").format(row.idx, frappe.bold(_("Rate"))),
				title=_("Invalid Rate"),
			)
		row.amount = float(rules.money(flt(row.qty) * flt(row.rate)))
	invoice.total = float(sum(rules.money(row.amount) for row in invoice.items))
	if invoice.docstatus == 0:
		invoice.outstanding_amount = invoice.total


def check_total(invoice) -> None:
	"""Before submit: an invoice is for something."""
	if invoice.total <= 0:
		frappe.throw(
			_("{0} must be more than 0 to submit the invoice.").format(frappe.bold(_("Total"))),
			title=_("Empty Invoice"),
		)


def status_of(invoice, today=None) -> str:
	return rules.invoice_status(
		invoice.docstatus,
		invoice.total,
		invoice.outstanding_amount,
		getdate(invoice.due_date) if invoice.due_date else None,
		today or getdate(nowdate()),
	)


def lock_open_invoices(customer: str, names: list[str] | None = None) -> dict[str, frappe._dict]:
	"""Lock the customer's submitted invoices that still owe money (or only `names`, whatever they
	owe) until the transaction ends, in name order, and return their current rows by name.

	A second payment of the same customer waits here until the first commits, then reads the
	outstanding amounts the first left. The customer's own row is locked first: a point lock on its
	primary key that every payment of the customer takes before any invoice row, so two of them
	queue there instead of interleaving their invoice and gap locks into a deadlock."""
	frappe.db.get_value("Customer", customer, "name", for_update=True)
	invoice = DocType(INVOICE)
	query = (
		frappe.qb.from_(invoice)
		.select(
			invoice.name, invoice.outstanding_amount, invoice.total, invoice.due_date, invoice.posting_date
		)
		.where((invoice.customer == customer) & (invoice.docstatus == 1))
		.orderby(invoice.name)
		.for_update()
	)
	if names is not None:
		if not names:
			return {}
		query = query.where(invoice.name.isin(sorted(set(names))))
	else:
		query = query.where(invoice.outstanding_amount > 0)
	return {row.name: row for row in query.run(as_dict=True)}


def change_outstanding(name: str, delta) -> None:
	"""Add `delta` to a locked invoice's outstanding amount and set its status to match."""
	# a locking read: a plain one would see the transaction's snapshot, from before the lock was had
	row = frappe.db.get_value(
		INVOICE,
		name,
		["name", "total", "outstanding_amount", "due_date", "docstatus"],
		as_dict=True,
		for_update=True,
	)
	row.outstanding_amount = float(rules.money(flt(row.outstanding_amount) + flt(delta)))
	if row.outstanding_amount < 0 or row.outstanding_amount > flt(row.total):
		frappe.throw(
			_("{0} would have an outstanding amount of {1}.").format(
				frappe.bold(name), row.outstanding_amount
			),
			title=_("Invalid Allocation"),
		)
	frappe.db.set_value(
		INVOICE, name, {"outstanding_amount": row.outstanding_amount, "status": status_of(row)}
	)


def mark_overdue() -> None:
	"""Daily: submitted invoices that still owe money after their due date become Overdue (one UPDATE)."""
	invoice = DocType(INVOICE)
	(
		frappe.qb.update(invoice)
		.set(invoice.status, rules.OVERDUE)
		.where(
			(invoice.docstatus == 1)
			& (invoice.outstanding_amount > 0)
			& (invoice.due_date < nowdate())
			& (invoice.status != rules.OVERDUE)
		)
	).run()
