"""The demo's onboarding rounds, in bulk: one Onboarding Checklist for every time a customer's
history entered the onboarding state, copied from the template the app would pick
(checklists.pick_template's rule), with due dates counted from the day the round started.

- A round that ended with the customer moving on to the state after onboarding is Completed: every
  required item was ticked on the way (some optional ones too).
- A round that ended otherwise is Closed, with the items ticked so far.
- A customer onboarding now has its round running, some items ticked, never every required one
  (the last tick would have moved it on), and some of them overdue.

Items the customer provides carry the customer's answer when ticked. Progress and status come from
the same rules the controller applies (onboarding.rules)."""

import random
from datetime import datetime, timedelta

import frappe
from frappe.utils import now_datetime

from customer_lifecycle.demo.customers import STANDARD_FIELDS, read_customers, read_history
from customer_lifecycle.lifecycle.engine import get_settings
from customer_lifecycle.onboarding import rules
from customer_lifecycle.onboarding.checklists import ITEM_FIELDS
from customer_lifecycle.utils.doctypes import (
	CHECKLIST,
	CHECKLIST_ITEM,
	STATE_FIELD,
	TEMPLATE,
)

CHECKLIST_FIELDS = (
	*STANDARD_FIELDS,
	"customer",
	"customer_name",
	"round",
	"template",
	"status",
	"progress",
	"started_on",
	"completed_on",
	"ended_on",
)
ROW_FIELDS = (
	*STANDARD_FIELDS,
	"parent",
	"parenttype",
	"parentfield",
	*ITEM_FIELDS,
	"due_date",
	"done",
	"done_by",
	"done_on",
	"answer",
)
ANSWERS = (
	"Passport scanned and sent by email",
	"Company registration certificate attached",
	"Signed by both directors",
	"Driving licence, expires 2031",
	"Sent through the portal",
)


def rounds_in_history(
	onboarding: str, customers: list[str]
) -> list[tuple[str, datetime, datetime | None, str | None]]:
	"""(customer, entered onboarding, left it or None, the state it went to) for every time one of
	the customers' history entered the onboarding state, oldest first."""
	rounds, running = [], {}
	for row in read_history(customers):
		if row.from_state == onboarding and row.customer in running:
			rounds.append((row.customer, running.pop(row.customer), row.changed_on, row.to_state))
		if row.to_state == onboarding:
			running[row.customer] = row.changed_on
	rounds.extend((customer, entered, None, None) for customer, entered in running.items())
	return rounds


def make_rounds(customers: list[str], staff: list[str], seed: int = 1) -> dict:
	"""Write the customers' rounds; returns how many of each status."""
	rng = random.Random(seed)
	settings = get_settings()
	now = now_datetime()
	templates = frappe.get_all(
		TEMPLATE, filters={"enabled": 1}, fields=["name", "customer_type", "customer_category", "is_default"]
	)
	items_of = {
		t.name: frappe.get_all(
			"Onboarding Checklist Template Item",
			filters={"parent": t.name, "parenttype": TEMPLATE},
			fields=[*ITEM_FIELDS, "due_in_days"],
			order_by="idx asc",
		)
		for t in templates
	}
	records = {
		c.name: c
		for c in read_customers(
			customers, ["customer_name", "customer_type", "customer_category", STATE_FIELD]
		)
	}
	checklists, rows, counts, numbers = [], [], {}, {}
	for customer, entered, left, went_to in rounds_in_history(settings.onboarding_state, customers):
		record = records.get(customer)
		template = record and rules.choose_template(templates, record.customer_type, record.customer_category)
		if not template or not items_of[template.name]:
			continue
		numbers[customer] = numbers.get(customer, 0) + 1
		if left is None and record.get(STATE_FIELD) != settings.onboarding_state:
			continue
		name = frappe.generate_hash(length=10)
		items = ticked_items(items_of[template.name], entered, left or now, went_to, staff, rng)
		if left:
			status, completed_on = rules.ended_round_status(items), None
			if status == rules.COMPLETED:
				completed_on = max((item.done_on for item in items if item.done), default=left)
		else:
			status, completed_on = rules.open_round_status(items), None
		counts[status] = counts.get(status, 0) + 1
		checklists.append(
			(
				name,
				entered,
				left or max((i.done_on for i in items if i.done), default=entered),
				staff[0],
				staff[0],
				0,
				0,
				customer,
				record.customer_name,
				numbers[customer],
				template.name,
				status,
				rules.progress(items),
				entered,
				completed_on,
				left,
			)
		)
		for idx, item in enumerate(items, 1):
			rows.append(
				(
					frappe.generate_hash(length=10),
					entered,
					item.done_on or entered,
					item.done_by or staff[0],
					staff[0],
					0,
					idx,
					name,
					CHECKLIST,
					"items",
					*(item[field] for field in ITEM_FIELDS),
					item.due_date,
					item.done,
					item.done_by,
					item.done_on,
					item.answer,
				)
			)
	frappe.db.bulk_insert(CHECKLIST, CHECKLIST_FIELDS, checklists)
	frappe.db.bulk_insert(CHECKLIST_ITEM, ROW_FIELDS, rows)
	return counts


def ticked_items(
	template_items: list, entered: datetime, until: datetime, went_to, staff: list[str], rng: random.Random
) -> list[frappe._dict]:
	"""The round's items, as ticked by the time it ended (or now, for a running round), by the staff."""
	settings = get_settings()
	items = []
	for item in template_items:
		row = frappe._dict({field: item[field] for field in ITEM_FIELDS})
		row.due_date = rules.due_date(entered.date(), item.due_in_days)
		row.done, row.done_by, row.done_on, row.answer = 0, None, None, None
		items.append(row)
	if went_to == settings.onboarding_complete_state:
		chosen = [i for i in items if i.required or rng.random() < 0.6]
	else:
		chosen = [i for i in items if rng.random() < 0.5]
		if went_to is None:
			# a running round: the last required item is still to do
			required = [i for i in chosen if i.required]
			if required and len(required) == sum(1 for i in items if i.required):
				chosen.remove(rng.choice(required))
	span = max((until - entered).total_seconds(), 60)
	for item in chosen:
		item.done = 1
		item.done_on = entered + timedelta(seconds=rng.uniform(0.1, 1.0) * span)
		item.done_by = rng.choice(staff)
		if item.customer_provides:
			item.answer = rng.choice(ANSWERS)
	return items
