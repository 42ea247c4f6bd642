"""Generated documents over HTTP: generate one for a customer (or one of its engagements), list a
customer's, email one to a contact, share one on the portal. Each method checks permission first;
changes are POST only. (The portal's download is api/portal.py's.)"""

import frappe
from frappe.utils import sbool

from customer_lifecycle.customers.documents import generation, listing, sharing
from customer_lifecycle.utils import paging
from customer_lifecycle.utils.doctypes import CUSTOMER, ENGAGEMENT, GENERATED_DOCUMENT


@frappe.whitelist(methods=["POST"])
def generate(customer: str, template: str, engagement: str | None = None) -> dict:
	"""Generate a document of the template for the customer, about the engagement when one is given:
	rendered, printed to PDF and filed in the customer's folder. Returns it as the tab lists it."""
	# a document filed among the customer's files changes the customer
	frappe.has_permission(CUSTOMER, "write", customer, throw=True)
	frappe.has_permission(GENERATED_DOCUMENT, "create", throw=True)
	if engagement:
		frappe.has_permission(ENGAGEMENT, "read", engagement, throw=True)
	return listing.row(generation.generate(customer, template, engagement))


@frappe.whitelist(methods=["GET"])
def customer_documents(customer: str, start: int = 0, page_length: int = listing.PAGE_LENGTH) -> dict:
	"""A page of the customer's generated documents, newest first, with the count of all:
	{rows, total, start, page_length}."""
	return paging.customer_tab(customer, lambda: listing.page(customer, start, page_length))


@frappe.whitelist(methods=["POST"])
def email_document(document: str, contact: str) -> dict:
	"""Email the document's PDF to one of its customer's contacts; logged on the customer as a note."""
	frappe.has_permission(GENERATED_DOCUMENT, "email", document, throw=True)
	sent_to = sharing.email(document, contact)
	return {"name": document, "sent_to": sent_to}


@frappe.whitelist(methods=["POST"])
def share_on_portal(document: str, shared: bool = True) -> dict:
	"""Share the document on its customer's portal (shared=0: take it off)."""
	frappe.has_permission(GENERATED_DOCUMENT, "write", document, throw=True)
	return listing.row(sharing.set_shared(document, sbool(shared)))
