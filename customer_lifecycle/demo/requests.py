"""Information requests for the demo, one in each state (Draft, Sent, Partly Answered, Complete,
Overdue), made through the app's own code: sending records the request as sent without emailing it
(a demo site has no outgoing email account), and answers go through the items' mechanism."""

import io

import frappe
from frappe.utils import add_days, nowdate

from customer_lifecycle.lifecycle.engine import get_settings
from customer_lifecycle.onboarding import items, requests, rules
from customer_lifecycle.utils.doctypes import CUSTOMER, REQUEST

# what a firm asks its customers for
ASKS = (
	(
		"Year-end pack",
		"Please send us what we need to close your books for the year.",
		(
			("Bank statements for the year", "Document", 1),
			("Did you buy or sell any property this year?", "Question", 1),
			("Receipts for expenses over 500", "Document", 0),
		),
	),
	(
		"Signed engagement letter",
		"Please sign the letter we sent and upload it here.",
		(("Signed engagement letter", "Document", 1),),
	),
	(
		"Missing identity document",
		"Our records are missing a copy of your ID.",
		(
			("A copy of your passport or ID card", "Document", 1),
			("Your tax reference number", "Question", 1),
		),
	),
)
STATES = (rules.DRAFT, rules.SENT, rules.PARTLY_ANSWERED, rules.COMPLETE, rules.OVERDUE)


def make(customer: str, status: str, ask: int = 0) -> str:
	"""A request to the customer's primary contact, brought to `status`; returns its name."""
	title, message, asked = ASKS[ask % len(ASKS)]
	doc = frappe.get_doc(
		{
			"doctype": REQUEST,
			"customer": customer,
			"title": title,
			"message": message,
			"due_date": add_days(nowdate(), 14),
			"items": [{"title": t, "kind": kind, "required": required} for t, kind, required in asked],
		}
	).insert()
	if status == rules.DRAFT:
		return doc.name
	requests.mark_sent(doc)
	if status in (rules.PARTLY_ANSWERED, rules.COMPLETE):
		rows = doc.items if status == rules.COMPLETE else doc.items[:1]
		for row in rows:
			provide(doc.name, row)
	if status == rules.OVERDUE:
		doc.reload()
		doc.due_date = add_days(nowdate(), -3)
		doc.save()
	return doc.name


def pdf_bytes(text: str) -> bytes:
	"""A real one-page PDF whose document title is `text` (so that two calls with different text
	give different files: Frappe stores equal contents once)."""
	from pypdf import PdfWriter

	writer = PdfWriter()
	writer.add_blank_page(width=200, height=200)
	writer.add_metadata({"/Title": text})
	out = io.BytesIO()
	writer.write(out)
	return out.getvalue()


def provide(request: str, row) -> None:
	if row.kind == items.DOCUMENT_KIND:
		name = f"{frappe.scrub(row.title)}.pdf"
		items.attach(REQUEST, request, row.name, name, pdf_bytes(f"{request} {name}"))
	else:
		items.answer(REQUEST, request, row.name, "Yes, we sold the flat on Mill Lane in March.")


def make_each_state(customer: str) -> dict[str, str]:
	"""One request of the customer's in each state: {status: request}."""
	return {status: make(customer, status, ask=i) for i, status in enumerate(STATES)}


def scatter(names: list[str], count: int = 10) -> list[str]:
	"""Requests for up to `count` of these customers that are active and have a primary contact,
	their states in turn."""
	customers = frappe.get_all(
		CUSTOMER,
		filters={
			"name": ("in", names),
			"lifecycle_status": get_settings().active_state,
			"primary_contact": ("is", "set"),
		},
		pluck="name",
		order_by="name asc",
		limit=count,
	)
	return [make(customer, STATES[i % len(STATES)], ask=i) for i, customer in enumerate(customers)]
