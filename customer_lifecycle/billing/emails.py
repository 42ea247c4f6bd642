"""Emails to a customer made from an admin-editable Email Template (payment reminders, receipts):
rendered, queued through Frappe's Email Queue, and logged on the customer as an Internal note."""

import frappe
from frappe import _
from frappe.utils import escape_html


def send_from_template(
	template_name: str, recipient: str, context: dict, reference, customer: str, note: str, attachments=None
) -> str:
	"""Email `recipient` the template rendered with `context`, about `reference` (a document); log
	`note` (HTML, escaped by the caller) with the subject on the customer. Returns the subject."""
	template = frappe.get_cached_doc("Email Template", template_name)
	subject = frappe.render_template(template.subject, context)
	message = frappe.render_template(
		template.response_html if template.use_html else template.response, context
	)
	frappe.sendmail(
		recipients=[recipient],
		subject=subject,
		message=message,
		reference_doctype=reference.doctype,
		reference_name=reference.name,
		attachments=attachments,
	)
	frappe.get_doc(
		{
			"doctype": "Customer Note",
			"customer": customer,
			"visibility": "Internal",
			"content": _("{0}: {1}").format(note, escape_html(subject)),
		}
	).insert(ignore_permissions=True)
	return subject
