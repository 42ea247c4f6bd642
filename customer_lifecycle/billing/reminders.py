"""Payment reminders for overdue invoices, one or in bulk.

Each reminder is an email (frappe.sendmail, so it goes through the Email Queue) made from the
Email Template named in REMINDER_TEMPLATE (shipped at install, editable by admins), then logged on
the customer as an Internal note. Invoices that are not overdue, customers who opted out of payment
reminders and customers without an email address are skipped, with the reason.
"""

import frappe
from frappe import _
from frappe.utils import escape_html, flt, fmt_money, formatdate, getdate, nowdate

from customer_lifecycle.customers.emails import send_from_template
from customer_lifecycle.utils.doctypes import INVOICE

REMINDER_TEMPLATE = "Payment Reminder"
# more invoices than this run in a background job
INLINE_LIMIT = 20
INVOICE_FIELDS = [
	"name",
	"customer",
	"posting_date",
	"due_date",
	"total",
	"outstanding_amount",
	"docstatus",
	"currency",
]
CUSTOMER_FIELDS = ["name", "customer_name", "email", "payment_reminders_opt_out"]


def skip_reason(invoice, customer, today) -> str | None:
	"""Why no reminder goes out for this invoice, or None when one does."""
	if invoice.docstatus != 1 or flt(invoice.outstanding_amount) <= 0:
		return _("nothing is outstanding")
	if not invoice.due_date or getdate(invoice.due_date) >= today:
		return _("not overdue")
	if customer.payment_reminders_opt_out:
		return _("the customer opted out of payment reminders")
	if not customer.email:
		return _("the customer has no email address")
	return None


def send_reminders(invoices: list[str]) -> dict:
	"""Send a reminder for each overdue invoice named; {"sent": [...], "skipped": [{invoice, reason}]}.

	Reads the invoices and their customers in two queries, whatever their number."""
	names = list(dict.fromkeys(invoices))
	rows = {
		r.name: r for r in frappe.get_all(INVOICE, filters={"name": ("in", names)}, fields=INVOICE_FIELDS)
	}
	customers = {
		c.name: c
		for c in frappe.get_all(
			"Customer",
			filters={"name": ("in", list({r.customer for r in rows.values()}))},
			fields=CUSTOMER_FIELDS,
		)
	}
	today = getdate(nowdate())
	result = {"sent": [], "skipped": []}
	for i, name in enumerate(names):
		invoice = rows.get(name)
		reason = skip_reason(invoice, customers[invoice.customer], today) if invoice else _("not found")
		if reason:
			result["skipped"].append({"invoice": name, "reason": reason})
		else:
			send_one(invoice, customers[invoice.customer], today)
			result["sent"].append(name)
		if len(names) > INLINE_LIMIT:
			frappe.publish_progress(100 * (i + 1) / len(names), title=_("Sending payment reminders"))
	return result


def send_one(invoice, customer, today) -> None:
	"""Email one reminder and log it as the customer's Internal note."""
	context = {
		"customer_name": customer.customer_name,
		"invoice": invoice.name,
		"posting_date": formatdate(invoice.posting_date),
		"due_date": formatdate(invoice.due_date),
		"days_overdue": (today - getdate(invoice.due_date)).days,
		"total": fmt_money(invoice.total, currency=invoice.currency),
		"outstanding_amount": fmt_money(invoice.outstanding_amount, currency=invoice.currency),
	}
	send_from_template(
		REMINDER_TEMPLATE,
		customer.email,
		context,
		frappe._dict(doctype=INVOICE, name=invoice.name),
		customer.name,
		_("Payment reminder for {0} ({1} outstanding) sent to {2}").format(
			escape_html(invoice.name), escape_html(context["outstanding_amount"]), escape_html(customer.email)
		),
	)


def send_reminders_job(invoices: list[str], user: str) -> None:
	"""Background job for a bulk send; tells the user who asked how it went."""
	result = send_reminders(invoices)
	frappe.publish_realtime("payment_reminders_sent", result, user=user, after_commit=True)
