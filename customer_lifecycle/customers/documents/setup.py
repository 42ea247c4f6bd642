"""What generated documents ship: the three example Document Templates (engagement letter, welcome
letter, statement of account) and the Email Template a document is emailed with. Made once at
install or migrate; the admins' to change afterwards."""

import frappe

from customer_lifecycle.customers.documents.sharing import EMAIL_TEMPLATE
from customer_lifecycle.utils.doctypes import DOCUMENT_TEMPLATE
from customer_lifecycle.utils.seeds import load_seed


def ensure_document_records() -> None:
	ensure_document_templates()
	ensure_email_template()


def ensure_document_templates() -> None:
	"""The example templates, on a site that has no Document Template at all: migrate never changes
	a template an admin edited, nor brings back one they deleted while keeping others."""
	if frappe.db.count(DOCUMENT_TEMPLATE):
		return
	for seed in load_seed("document_templates.json"):
		frappe.get_doc(seed).insert(ignore_permissions=True)


def ensure_email_template() -> None:
	if not frappe.db.exists("Email Template", EMAIL_TEMPLATE):
		frappe.get_doc(load_seed("generated_document_email.json")).insert(ignore_permissions=True)
