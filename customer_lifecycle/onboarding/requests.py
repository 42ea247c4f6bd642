"""Information requests: staff ask one of a customer's contacts for information or documents outside
onboarding (a year-end pack, a signed form, a missing ID).

- A request (Information Request) has the customer, the contact asked, items (each a question or a
  document, required or optional), a due date and a message. Its status follows from those
  (rules.request_status): Draft, Sent, Partly Answered, Complete, Overdue.
- Sending emails the contact (the Email Template "Information Request", logged as a note on the
  customer): a contact with a portal login answers on the portal's Requests page; any other gets a
  one-time link to a page that shows that request only (links.py). Sending again re-sends it.
- Answers and uploads go through items.py, the mechanism the onboarding checklist's "customer
  provides" items use, whichever way they come.
- A daily job marks requests overdue and sends the reminders of the schedule in Customer Lifecycle
  Settings (days before and after the due date), each step once (rules.reminder_due).
- The customer form's Requests tab and the Customer 360 header's count of open requests.
"""

from urllib.parse import quote

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import cint, escape_html, formatdate, get_fullname, get_url, getdate, now_datetime, nowdate
from markupsafe import Markup
from pypika.queries import QueryBuilder

from customer_lifecycle.customers.emails import send_from_template
from customer_lifecycle.customers.summary import Figure, count_where
from customer_lifecycle.lifecycle.engine import get_settings
from customer_lifecycle.onboarding import items, links, rules
from customer_lifecycle.portal.access import customers_of
from customer_lifecycle.utils import paging
from customer_lifecycle.utils.doctypes import REQUEST, REQUEST_ITEM, REQUEST_REMINDER
from customer_lifecycle.utils.notify import notify
from customer_lifecycle.utils.seeds import ensure_email_templates

REQUEST_TEMPLATE = "Information Request"
REMINDER_TEMPLATE = "Information Request Reminder"
EMAIL_TEMPLATES = {
	REQUEST_TEMPLATE: "information_request_email.json",
	REMINDER_TEMPLATE: "information_request_reminder_email.json",
}
PORTAL_PAGE = "/portal/requests"
# the settings that hold the reminder schedule
REMINDER_FIELDS = ("request_reminder_days_before", "request_reminder_days_after")


def ensure_request_emails() -> None:
	"""Install and migrate: the request and reminder emails, once (admins edit them afterwards)."""
	ensure_email_templates(EMAIL_TEMPLATES)


# --- sending ---------------------------------------------------------------------------------


def send(name: str):
	"""Send a request (or send it again): its contact gets the email with the way to answer, and a
	draft is recorded as sent (after the email is queued: without an outgoing email account nothing
	changes). Returns the request."""
	doc = frappe.get_doc(REQUEST, name, for_update=True)
	check_sendable(doc)
	note = (
		_("Information request {0} sent again to {1}")
		if doc.sent_on
		else _("Information request {0} sent to {1}")
	)
	email(doc, REQUEST_TEMPLATE, note.format(escape_html(doc.name), escape_html(doc.contact_email)))
	if not doc.sent_on:
		mark_sent(doc)
	return doc


def check_sendable(doc) -> None:
	if doc.status == rules.COMPLETE:
		frappe.throw(
			_("{0}: {1} is complete; there is nothing left to ask.").format(
				frappe.bold(_(doc.meta.get_label("status"))), frappe.bold(escape_html(doc.name))
			),
			frappe.ValidationError,
		)
	if not doc.contact_email:
		frappe.throw(
			_("{0}: {1} has no email address. Add one to the contact first.").format(
				frappe.bold(_(doc.meta.get_label("contact"))), frappe.bold(escape_html(doc.contact))
			),
			frappe.MandatoryError,
		)
	if not doc.sent_on and getdate(doc.due_date) < getdate(nowdate()):
		frappe.throw(
			_("{0}: {1} has passed. Choose a later date.").format(
				frappe.bold(_(doc.meta.get_label("due_date"))), formatdate(doc.due_date)
			),
			frappe.ValidationError,
		)


def mark_sent(doc) -> None:
	"""The request leaves Draft: it shows on the portal and its link works."""
	doc.sent_on = now_datetime()
	doc.sent_by = frappe.session.user
	save_as_app(doc)


def save_as_app(doc) -> None:
	"""Save what only the app sets (when sent, the reminders), through the controller."""
	doc.flags.app_change = True
	items.save(doc, ignore_permissions=True)


def email(doc, template: str, note: str, **extra) -> str:
	"""Email the request's contact from `template`, with the way to answer (the portal, or a new
	one-time link); logged on the customer as an Internal note. Returns the subject."""
	link, portal, expires = answer_link(doc)
	context = {
		"contact_name": frappe.db.get_value("Contact", doc.contact, "first_name") or doc.contact,
		"customer_name": doc.customer_name,
		"title": doc.title,
		"due_date": formatdate(doc.due_date),
		"message": Markup("<br>".join(escape_html(line) for line in (doc.message or "").splitlines())),
		"items": items_html(doc, extra.get("days_from_due") is not None),
		"link": link,
		"portal": portal,
		"link_expires_on": formatdate(expires) if expires else "",
		"sender": get_fullname(doc.sent_by or frappe.session.user),
		**extra,
	}
	try:
		return send_from_template(template, doc.contact_email, context, doc, doc.customer, note)
	except frappe.OutgoingEmailError:
		frappe.clear_last_message()
		frappe.throw(
			_("{0}: set up an outgoing email account to send information requests.").format(
				frappe.bold(_("Email Account"))
			),
			frappe.ValidationError,
		)


def answer_link(doc) -> tuple[str, bool, object]:
	"""(URL, whether it is the portal, the day a one-time link runs out): the portal's Requests page
	for a contact who has a portal login to this customer, else a new one-time link."""
	user = frappe.db.get_value("Contact", doc.contact, "user")
	if user and doc.customer in customers_of(user):
		return get_url(f"{PORTAL_PAGE}?customer={quote(doc.customer)}"), True, None
	expires = links.expiry()
	return links.make(doc.name, expires), False, expires


def items_html(doc, missing_only: bool) -> Markup:
	"""The items as an HTML list (escaped text): all of them, or those still missing."""
	rows = [row for row in doc.items if not (missing_only and row.done)]
	lines = []
	for row in rows:
		kind = _("a document to upload") if row.kind == items.DOCUMENT_KIND else _("a question")
		extra = "" if row.required else ", " + _("optional")
		description = f"<br><small>{escape_html(row.description)}</small>" if row.description else ""
		lines.append(f"<li><strong>{escape_html(row.title)}</strong> ({kind}{extra}){description}</li>")
	return Markup(f"<ul>{''.join(lines)}</ul>")


def on_complete(doc) -> None:
	"""Information Request.on_update, once every required item is provided: the sender hears."""
	user = doc.sent_by or doc.owner
	if user and user not in ("Guest", frappe.session.user):
		notify(
			[user],
			_("Information request {0} of {1} is complete").format(
				frappe.bold(escape_html(doc.title)),
				frappe.bold(escape_html(doc.customer_name or doc.customer)),
			),
			customer=doc.customer,
		)


# --- answering -------------------------------------------------------------------------------


def page_data(name: str) -> dict:
	"""What a contact sees of a request (the portal's Requests page, the one-time link's page)."""
	doc = frappe.get_doc(REQUEST, name)
	return {
		"name": doc.name,
		"title": doc.title,
		"message": doc.message,
		"status": doc.status,
		"open": doc.status in rules.OPEN_STATUSES,
		"overdue": doc.status == rules.OVERDUE,
		"due_date": getdate(doc.due_date) if doc.due_date else None,
		"completed_on": doc.completed_on,
		"items": [
			{
				"name": row.name,
				"title": row.title,
				"description": row.description,
				"kind": row.kind,
				"required": row.required,
				"overdue": doc.status == rules.OVERDUE and not row.done,
				"done": row.done,
				"done_on": row.done_on,
				"answer": row.answer,
				"attachment": row.attachment,
				"takes_answer": items.takes(row, items.ANSWER),
				"takes_document": items.takes(row, items.DOCUMENT),
			}
			for row in doc.items
		],
	}


def check_link(link: str | None, item: str | None) -> str:
	"""The request a one-time link opens (links.verify: its signature first), refusing an item that
	is not on it."""
	request = links.verify(link)
	if not item or not frappe.db.exists(
		REQUEST_ITEM, {"name": item, "parent": request, "parenttype": REQUEST}
	):
		frappe.throw(
			_("{0}: {1} is not on this request.").format(
				frappe.bold(_("Item")), frappe.bold(escape_html(item or ""))
			),
			links.LinkRefusedError,
		)
	return request


def answer_linked(request: str, item: str, answer: str | None) -> dict:
	"""An answer given through the request's one-time link (checked by check_link)."""
	items.answer(REQUEST, request, item, answer, ignore_permissions=True)
	return page_data(request)


def attach_linked(request: str, item: str, filename: str, content: bytes) -> dict:
	"""A document uploaded through the request's one-time link (checked by check_link)."""
	items.attach(REQUEST, request, item, filename, content, ignore_permissions=True)
	return page_data(request)


# --- the daily job ---------------------------------------------------------------------------


def daily() -> None:
	"""Daily: requests past their due date become Overdue, and the reminders due today go."""
	mark_overdue()
	send_reminders()


def mark_overdue() -> None:
	"""Open requests past their due date are saved again: their status becomes Overdue."""
	for name in frappe.get_all(
		REQUEST,
		filters={"status": ("in", (rules.SENT, rules.PARTLY_ANSWERED)), "due_date": ("<", nowdate())},
		pluck="name",
	):
		items.save(frappe.get_doc(REQUEST, name), ignore_permissions=True)


def reminder_offsets() -> list[int]:
	settings = get_settings()
	before, after = (rules.parse_days(settings.get(field)) for field in REMINDER_FIELDS)
	return rules.reminder_offsets(before, after)


def send_reminders() -> list[str]:
	"""Each open request whose next reminder step has come gets one reminder, once for that step;
	returns the requests reminded. A request that cannot be emailed is logged and the rest go on."""
	offsets = reminder_offsets()
	if not offsets:
		return []
	today = getdate(nowdate())
	open_rows = frappe.get_all(
		REQUEST,
		filters={"status": ("in", rules.OPEN_STATUSES), "contact_email": ("is", "set")},
		fields=["name", "due_date", "sent_on"],
	)
	sent: dict[str, list[int]] = {}
	for row in frappe.get_all(
		REQUEST_REMINDER,
		filters={"parenttype": REQUEST, "parent": ("in", [r.name for r in open_rows] or [""])},
		fields=["parent", "days_from_due"],
	):
		sent.setdefault(row.parent, []).append(row.days_from_due)
	reminded = []
	for row in open_rows:
		step = rules.reminder_due(
			offsets, sent.get(row.name, []), getdate(row.sent_on), getdate(row.due_date), today
		)
		if step is None:
			continue
		frappe.db.savepoint("request_reminder")
		try:
			remind(row.name, step)
			reminded.append(row.name)
		except frappe.ValidationError:
			frappe.db.rollback(save_point="request_reminder")
			frappe.log_error(title=_("Information request reminder not sent"), reference_doctype=REQUEST)
	return reminded


def remind(name: str, step: int) -> None:
	"""Email the reminder of one step and record it on the request."""
	doc = frappe.get_doc(REQUEST, name, for_update=True)
	email(
		doc,
		REMINDER_TEMPLATE,
		_("Reminder for information request {0} sent to {1}").format(
			escape_html(doc.name), escape_html(doc.contact_email)
		),
		days_from_due=step,
	)
	doc.append("reminders", {"days_from_due": step, "sent_on": now_datetime(), "sent_to": doc.contact_email})
	save_as_app(doc)


def validate_settings(settings) -> None:
	"""Customer Lifecycle Settings.validate: links work for a day at least; the reminder days read
	as whole numbers (written back in order)."""
	if settings.request_link_days not in (None, "") and cint(settings.request_link_days) < 1:
		frappe.throw(
			_("{0}: a link must work for at least 1 day.").format(
				frappe.bold(_(settings.meta.get_label("request_link_days")))
			),
			frappe.ValidationError,
		)
	for field in REMINDER_FIELDS:
		try:
			days = rules.parse_days(settings.get(field))
		except ValueError as e:
			frappe.throw(
				_(
					"{0}: {1} is not a number of days. Write whole numbers separated by commas, e.g. 7, 3, 1."
				).format(frappe.bold(_(settings.meta.get_label(field))), frappe.bold(escape_html(str(e)))),
				frappe.ValidationError,
			)
		settings.set(field, ", ".join(str(day) for day in days) or None)


# --- the customer form and its header --------------------------------------------------------

TAB_FIELDS = ["name", "title", "status", "contact", "contact_email", "due_date", "progress", "sent_on"]


def page(customer: str, start: int = 0, page_length: int = paging.PAGE_LENGTH) -> dict:
	"""The Requests tab: a page of the customer's requests, newest first."""
	return paging.page(REQUEST, {"customer": customer}, TAB_FIELDS, "creation desc", start, page_length)


def open_requests(customer: str) -> QueryBuilder:
	"""Requests sent and not complete (the customer still has something to provide)."""
	request = DocType(REQUEST)
	return count_where(request, (request.customer == customer) & request.status.isin(rules.OPEN_STATUSES))


def summary_figures() -> list[Figure]:
	"""The `customer_summary_figures` hook: the 360 header's count of open requests."""
	return [Figure("open_requests", open_requests)]
