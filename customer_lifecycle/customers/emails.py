"""Emails to a customer's people made from an admin-editable Email Template (payment reminders,
receipts, information requests): rendered, queued through Frappe's Email Queue, and logged on the
customer as an Internal note.

The body is HTML: every text value of the context (a name, a title, a message someone typed) is
escaped before the template renders it, so what people wrote shows as written and never as markup;
the caller passes HTML it built itself (from escaped text) as markupsafe.Markup. The subject is
plain text and renders the values as they are."""

import frappe
from frappe import _
from frappe.utils import escape_html
from markupsafe import escape


def send_from_template(
	template_name: str, recipient: str, context: dict, reference, customer: str, note: str, attachments=None
) -> str:
	"""Email `recipient` the template rendered with `context`, about `reference` (a document); log
	`note` (HTML, escaped by the caller) with the subject on the customer. Returns the subject."""
	template = frappe.get_cached_doc("Email Template", template_name)
	subject = frappe.render_template(template.subject, context)
	message = frappe.render_template(
		template.response_html if template.use_html else template.response, escaped(context)
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


def escaped(value):
	"""Text (in dicts and lists too) escaped for HTML; Markup and other values as they are."""
	if isinstance(value, str):
		return escape(value)
	if isinstance(value, dict):
		return {key: escaped(item) for key, item in value.items()}
	if isinstance(value, list | tuple):
		return [escaped(item) for item in value]
	return value
