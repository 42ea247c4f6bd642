"""A subscription's visits are Frappe's own Events, in Frappe's calendar:

- private, owned by the staff user who makes the visits (the subscription's "Visits By"), so they show
  in that user's calendar (as ERPNext's maintenance schedules make theirs), and assigned to them (a
  ToDo, and the event's "Assigned To");
- the customer is the event's participant (Event Participants), so the event belongs to the customer
  (its form's Service tab, the portal); the subscription is its reference document;
- the site address is the event's location, and with the access contact (name, phone, relationship,
  notes) in its description;
- one event per subscription and visit date: `service_visit_date` (a custom field on Event) with a
  unique index on (reference, visit date). A cancelled visit gives its date back (the field is
  emptied), so that the visit can be made again when the subscription goes on.

They are written in bulk (one INSERT per table for a run's visits), not through the Event controller:
what its save would do for these records (participants' emails, a timeline Communication) does not
apply to them.
"""

import json
from datetime import date, datetime, time, timedelta
from html import escape

import frappe
from frappe import _
from frappe.utils import get_time, now_datetime

from customer_lifecycle.utils.bulk import insert_rows
from customer_lifecycle.utils.doctypes import CUSTOMER, EVENT, SUBSCRIPTION
from customer_lifecycle.utils.naming import reserve_names
from customer_lifecycle.utils.notify import notify

VISIT_DATE = "service_visit_date"
EVENT_SERIES = "EV.#####"
OPEN, CANCELLED = "Open", "Cancelled"
CALENDAR = "/app/event/view/calendar/default"
ADDRESS_LINES = ("address_line1", "address_line2", "city", "county", "state", "pincode", "country")
ADDRESS_FIELDS = (
	"name",
	"address_title",
	*ADDRESS_LINES,
	"access_contact_name",
	"access_contact_phone",
	"access_contact_relationship",
	"access_notes",
)


def one_line(address: dict) -> str:
	return ", ".join(str(address.get(f)) for f in ADDRESS_LINES[:-1] if address.get(f))


class Texts:
	"""The words of a run's visits, translated once for all of them."""

	def __init__(self):
		self.labels = {
			"customer": _(CUSTOMER),
			"plan": _("Service Plan"),
			"site": _("Site Address"),
			"access": _("Access Contact"),
			"notes": _("Access Notes"),
		}
		self.visit = _("Visit: {0} ({1})")
		self.words: dict[str, str] = {}

	def word(self, text: str) -> str:
		if text not in self.words:
			self.words[text] = _(text)
		return self.words[text]

	def subject(self, customer: dict, plan: dict) -> str:
		return self.visit.format(customer["customer_name"], plan["name"])

	def description(self, customer: dict, plan: dict, address: dict) -> str:
		"""The event's description: who, what, where, and who lets the visitor in."""
		access = address.get("access_contact_name")
		relationship = address.get("access_contact_relationship")
		labels = self.labels
		return "".join(
			[
				line(labels["customer"], f"{customer['customer_name']} ({customer['name']})"),
				line(labels["plan"], plan["name"]),
				line(labels["site"], *(address.get(f) for f in ADDRESS_LINES)),
				line(
					labels["access"],
					f"{access} ({self.word(relationship)})" if access and relationship else access,
					address.get("access_contact_phone"),
				),
				line(labels["notes"], address.get("access_notes")),
			]
		)


def line(label: str, *values) -> str:
	shown = [escape(str(v)) for v in values if v]
	return f"<p><strong>{escape(label)}</strong>: {'<br>'.join(shown)}</p>" if shown else ""


def starts_at(day: date, plan: dict) -> datetime:
	return datetime.combine(day, get_time(plan.get("visit_time") or time(9)))


def existing(names: list[str] | None, first: date, last: date) -> set[tuple[str, date]]:
	"""(subscription, visit date) of the visits made already between two days (of `names` only)."""
	event = frappe.qb.DocType(EVENT)
	query = (
		frappe.qb.from_(event)
		.select(event.reference_docname, event[VISIT_DATE])
		.where((event.reference_doctype == SUBSCRIPTION) & event[VISIT_DATE].between(first, last))
	)
	if names is not None:
		query = query.where(event.reference_docname.isin(names or [""]))
	return {(name, day) for name, day in query.run()}


def make(visits: list[tuple[dict, date]], customers: dict, plans: dict, addresses: dict) -> list[str]:
	"""Make an Event for each (subscription row, visit date), with its participant and assignment, in
	bulk; the events' names. The staff users get one notification each with how many they were given."""
	if not visits:
		return []
	now, user, texts = now_datetime(), frappe.session.user, Texts()
	events, participants, todos = [], [], []
	for name, (sub, day) in zip(reserve_names(EVENT_SERIES, len(visits)), visits, strict=True):
		customer, plan = customers[sub["customer"]], plans[sub["plan"]]
		address = addresses.get(sub["site_address"]) or {}
		start = starts_at(day, plan)
		minutes = int(plan.get("visit_minutes") or 0)
		staff = sub["assigned_to"]
		standard = {"creation": now, "modified": now, "owner": staff, "modified_by": user, "docstatus": 0}
		title = texts.subject(customer, plan)
		events.append(
			{
				**standard,
				"name": name,
				"idx": 0,
				"subject": title,
				"event_category": "Event",
				"event_type": "Private",
				"status": OPEN,
				"starts_on": start,
				"ends_on": start + timedelta(minutes=minutes) if minutes else None,
				"all_day": 0,
				"send_reminder": 1,
				"location": one_line(address)[:140],
				"description": texts.description(customer, plan, address),
				"reference_doctype": SUBSCRIPTION,
				"reference_docname": sub["name"],
				VISIT_DATE: day,
				"_assign": json.dumps([staff]),
			}
		)
		participants.append(
			{
				**standard,
				"name": frappe.generate_hash(length=10),
				"idx": 1,
				"parent": name,
				"parenttype": EVENT,
				"parentfield": "event_participants",
				"reference_doctype": CUSTOMER,
				"reference_docname": customer["name"],
			}
		)
		todos.append(
			{
				**standard,
				"owner": user,
				"name": frappe.generate_hash(length=10),
				"status": "Open",
				"priority": "Medium",
				"date": day,
				"allocated_to": staff,
				"assigned_by": user,
				"description": escape(title),
				"reference_type": EVENT,
				"reference_name": name,
			}
		)
	insert_rows(EVENT, events)
	insert_rows("Event Participants", participants)
	insert_rows("ToDo", todos)
	tell_staff(todos)
	return [event["name"] for event in events]


def tell_staff(todos: list[dict]) -> None:
	"""One notification per staff user: how many visits they were given, and when the first is."""
	given: dict[str, list[date]] = {}
	for todo in todos:
		given.setdefault(todo["allocated_to"], []).append(todo["date"])
	for staff, days in given.items():
		notify(
			[staff],
			_("{0} service visit(s) in your calendar, the first on {1}").format(
				len(days), frappe.format(min(days), "Date")
			),
			link=CALENDAR,
		)


def cancel(names: list[str], from_day: date) -> None:
	"""Cancel the open visits of these subscriptions on or after a day (their assignments too), and
	give their dates back."""
	if not names:
		return
	event, todo = frappe.qb.DocType(EVENT), frappe.qb.DocType("ToDo")
	condition = (
		(event.reference_doctype == SUBSCRIPTION)
		& event.reference_docname.isin(names)
		& (event.status == OPEN)
		& (event[VISIT_DATE] >= from_day)
	)
	now = now_datetime()
	(
		frappe.qb.update(todo)
		.set(todo.status, CANCELLED)
		.set(todo.modified, now)
		.where(
			(todo.reference_type == EVENT)
			& (todo.status == "Open")
			& todo.reference_name.isin(frappe.qb.from_(event).select(event.name).where(condition))
		)
	).run()
	(
		frappe.qb.update(event)
		.set(event.status, CANCELLED)
		.set(event[VISIT_DATE], None)
		.set(event.modified, now)
		.set(event.modified_by, frappe.session.user)
		.where(condition)
	).run()
