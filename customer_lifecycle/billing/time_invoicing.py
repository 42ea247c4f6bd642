"""Invoice unbilled time: the billable entries of an engagement, or of all a customer's engagements,
that no invoice has billed become one DRAFT Customer Invoice, with a line per entry or per activity
(rules.time_lines), and each entry is linked to it, which locks it (time_entries.check_not_billed).
Cancelling the invoice, or deleting it while a draft, frees its entries: they can be invoiced again.

The customer's row is locked first, as every money change of the customer takes it, and the entries
are read under their row locks: two people invoicing the same time at the same moment make one
invoice, and the second is told there is nothing left to invoice. The links are written in one
UPDATE, with the entries' modified time, so a form opened before cannot save over them.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import now_datetime, nowdate

from customer_lifecycle.billing import rules
from customer_lifecycle.billing.retainers import lock_customer
from customer_lifecycle.utils.doctypes import ENGAGEMENT, INVOICE, TIME_ENTRY

ENTRY_FIELDS = ("name", "engagement", "activity", "hours", "rate", "date", "description", "user")


def unbilled_entries(customer: str, engagement: str | None = None, for_update: bool = False) -> list:
	"""The customer's (or one engagement's) billable time that no invoice has billed and whose timer
	is not running, oldest first."""
	entry = DocType(TIME_ENTRY)
	query = (
		frappe.qb.from_(entry)
		.select(*(entry[f] for f in ENTRY_FIELDS))
		.where(
			(entry.customer == customer)
			& (entry.billable == 1)
			& entry.invoice.isnull()
			& entry.timer_started_at.isnull()
			& (entry.hours > 0)
		)
		.orderby(entry.date)
		.orderby(entry.name)
	)
	if engagement:
		query = query.where(entry.engagement == engagement)
	if for_update:
		query = query.for_update()
	return query.run(as_dict=True)


def invoice_unbilled(
	customer: str | None = None,
	engagement: str | None = None,
	per: str = rules.PER_ENTRY,
	posting_date: str | None = None,
) -> str:
	"""Make a draft invoice of the unbilled time of an engagement (or of every engagement of the
	customer), dated `posting_date` (today by default); its name. Refused, naming what was asked,
	when there is no such time."""
	if engagement:
		customer = frappe.db.get_value(ENGAGEMENT, engagement, "customer")
	if not customer:
		frappe.throw(_("Choose a customer or an engagement."), title=_("Nothing to Invoice"))
	lock_customer(customer)
	entries = unbilled_entries(customer, engagement, for_update=True)
	if not entries:
		frappe.throw(
			_("{0} has no unbilled time to invoice.").format(frappe.bold(engagement or customer)),
			title=_("Nothing to Invoice"),
		)
	lines = rules.time_lines(entries, per)
	engagements = {e.engagement for e in entries}
	invoice = frappe.get_doc(
		{
			"doctype": INVOICE,
			"customer": customer,
			"engagement": engagement or (next(iter(engagements)) if len(engagements) == 1 else None),
			"posting_date": posting_date or nowdate(),
			"items": [line_row(line) for line in lines],
		}
	).insert()
	mark_billed([e.name for e in entries], invoice.name)
	return invoice.name


def line_row(line: rules.TimeLine) -> dict:
	"""An invoice row of a line of time: the activity as its item code, the hours as its quantity."""
	when = frappe.format(line.first, {"fieldtype": "Date"})
	if line.last != line.first:
		when = _("{0} to {1}").format(when, frappe.format(line.last, {"fieldtype": "Date"}))
	if len(line.entries) == 1:
		description = (
			f"{line.activity}: {line.description} ({when})"
			if line.description
			else f"{line.activity} ({when})"
		)
	else:
		description = _("{0}: {1} time entries ({2})").format(line.activity, len(line.entries), when)
	return {"item_code": line.activity, "description": description, "qty": line.hours, "rate": line.rate}


def set_invoice(condition, invoice: str | None) -> None:
	entry = DocType(TIME_ENTRY)
	(
		frappe.qb.update(entry)
		.set(entry.invoice, invoice)
		.set(entry.modified, now_datetime())
		.set(entry.modified_by, frappe.session.user)
		.where(condition(entry))
	).run()


def mark_billed(entries: list[str], invoice: str) -> None:
	set_invoice(lambda entry: entry.name.isin(entries), invoice)


def free(invoice) -> None:
	"""Customer Invoice.on_cancel and on_trash (a draft): its time is unbilled again."""
	set_invoice(lambda entry: entry.invoice == invoice.name, None)
