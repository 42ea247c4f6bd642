"""A receipt to the customer when a payment is submitted: the Email Template the settings name
(seeded as "Payment Receipt", admins edit it), with the payment's receipt PDF, sent by a background
job after the payment commits and logged as a note. Customer Lifecycle Settings turns receipts on
or off; a customer may opt out (`receipt_opt_out`). Sent to the customer's primary contact's email,
else the customer's own."""

import frappe
from frappe import _
from frappe.utils import escape_html, fmt_money, formatdate

from customer_lifecycle.customers.emails import send_from_template
from customer_lifecycle.lifecycle.engine import get_settings
from customer_lifecycle.utils.doctypes import CUSTOMER, PAYMENT

RECEIPT_TEMPLATE = "Payment Receipt"
RECEIPT_PRINT_FORMAT = "Payment Receipt"


def recipient(customer: str) -> str | None:
	"""Where a customer's receipts go: its primary contact's email, else its own; None when it opted
	out or has no email."""
	row = frappe.db.get_value(
		CUSTOMER, customer, ["email", "primary_contact", "receipt_opt_out"], as_dict=True
	)
	if not row or row.receipt_opt_out:
		return None
	contact_email = (
		frappe.db.get_value("Contact", row.primary_contact, "email_id") if row.primary_contact else None
	)
	return contact_email or row.email


def send_after_commit(payment) -> None:
	"""Customer Payment.on_submit: queue the receipt, when receipts are on and the customer takes them."""
	if not get_settings().send_payment_receipts or not recipient(payment.customer):
		return
	frappe.enqueue(send_receipt, queue="short", payment=payment.name, enqueue_after_commit=True)


def send_receipt(payment: str) -> None:
	"""Background job: email the receipt of a submitted payment, with its PDF."""
	doc = frappe.get_doc(PAYMENT, payment)
	to = recipient(doc.customer)
	if doc.docstatus != 1 or not to:
		return
	amount = fmt_money(doc.amount, currency=doc.currency)
	context = {
		"customer_name": doc.customer_name,
		"payment": doc.name,
		"posting_date": formatdate(doc.posting_date),
		"amount": amount,
		"method": _(doc.method) if doc.method else "",
		"reference": doc.reference or "",
		"invoices": [
			{"invoice": a.invoice, "amount": fmt_money(a.allocated_amount, currency=doc.currency)}
			for a in doc.allocations
		],
		"retainer_deposit": doc.is_retainer_deposit,
	}
	template = get_settings().receipt_template or RECEIPT_TEMPLATE
	send_from_template(
		template,
		to,
		context,
		doc,
		doc.customer,
		_("Receipt for {0} ({1}) sent to {2}").format(
			escape_html(doc.name), escape_html(amount), escape_html(to)
		),
		attachments=[
			frappe.attach_print(PAYMENT, doc.name, file_name=doc.name, print_format=RECEIPT_PRINT_FORMAT)
		],
	)
