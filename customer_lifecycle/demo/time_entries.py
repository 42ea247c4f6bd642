"""Demo time: staff log hours on engagements of active customers over the last months; each past
month's billable time is invoiced at the month's end (most of those invoices submitted, some left as
drafts) and this month's is not invoiced yet.

The activities, the staff, their rates and the engagements are made through their controllers (a
few hundred records). The entries, thousands, are written in bulk, with what their controller would
give them computed by the same functions: the rate in force (time_entries.rate_in_force, read once
per customer, activity and user), the value (rules.time_value), the naming series; no user's day
goes past 8 hours. The invoices are made by Invoice Unbilled Time itself (time_invoicing).
"""

import itertools
import random
from collections.abc import Callable
from datetime import date, timedelta

import frappe
from frappe.utils import add_months, get_first_day, get_last_day, getdate, now_datetime, nowdate

from customer_lifecycle.billing import rules, time_entries, time_invoicing
from customer_lifecycle.lifecycle.engine import get_settings
from customer_lifecycle.utils.doctypes import (
	ACTIVITY,
	CUSTOMER,
	ENGAGEMENT,
	RATE,
	STAFF_RATE,
	STATE_FIELD,
	TIME_ENTRY,
)
from customer_lifecycle.utils.naming import reserve_names

# (activity, default rate per hour; 0: the user's rate applies)
ACTIVITIES = (("Consulting", 120), ("Design", 95), ("Support", 70), ("Workshop", 0))
# (category, activity, rate): price lists of the seeded categories
CATEGORY_RATES = (("VIP", "Consulting", 150), ("Corporate", "Design", 110))
# (billing rate, cost rate) per hour of the demo's staff users, in turn
STAFF_RATES = ((90, 45), (75, 38), (110, 60))
TITLES = (
	"Annual review",
	"Website refresh",
	"Tax filing",
	"Process audit",
	"Onboarding support",
	"Strategy day",
)
DESCRIPTIONS = ("Call with the client", "Drafting", "Review", "Follow-up", "Research", None, None)
# the most hours the demo gives a user in a day
DAY_HOURS = 8
# the fields a bulk entry is written with: the standard ones, then what its controller would set
STANDARD_FIELDS = (
	"name",
	"creation",
	"modified",
	"modified_by",
	"owner",
	"docstatus",
	"idx",
	"naming_series",
)
ENTRY_FIELDS = (
	"engagement",
	"engagement_title",
	"customer",
	"customer_name",
	"user",
	"date",
	"hours",
	"activity",
	"billable",
	"description",
	"currency",
	"rate",
	"rate_source",
	"amount",
	"invoice",
)


def make_time(
	customers: list[str],
	staff: list[str],
	share: float = 0.2,
	most: int = 100,
	months: int = 3,
	seed: int | None = None,
	echo: Callable[[str], None] = print,
	commit: bool = True,
) -> frappe._dict:
	"""Give `share` of the active ones of `customers` (at most `most`) one or two engagements with the
	`staff` users' time over the last `months` months and this one; returns what was made (counts,
	and the engagements' names). Each month is committed, unless `commit` is false (the demo makes a
	step in one transaction with its record of how far it got)."""
	rng = random.Random(seed)
	ensure_activities()
	ensure_staff_rates(staff)
	customers = frappe.get_all(
		CUSTOMER,
		filters={"name": ("in", customers or [""]), STATE_FIELD: get_settings().active_state, "archived": 0},
		fields=["name", "customer_name"],
		order_by="name",
	)
	chosen = rng.sample(customers, min(most, max(1, int(len(customers) * share)))) if customers else []
	engagements = [
		frappe.get_doc(
			{"doctype": ENGAGEMENT, "customer": c.name, "title": rng.choice(TITLES), "status": "In Progress"}
		).insert()
		for c in chosen
		for _i in range(rng.choice((1, 1, 2)))
	]
	echo(f"  {len(engagements)} engagements of {len(chosen)} active customers")
	made = frappe._dict(
		customers=len(chosen), engagements=[e.name for e in engagements], entries=0, invoices=0, submitted=0
	)
	writer = EntryWriter(rng, staff)
	today = getdate(nowdate())
	for back in range(months, -1, -1):
		first = getdate(get_first_day(add_months(today, -back)))
		last = min(getdate(get_last_day(first)), today)
		made.entries += writer.write(engagements, first, last)
		if back:
			invoices, submitted = invoice_month(chosen, last, rng)
			made.invoices += invoices
			made.submitted += submitted
		if commit:
			frappe.db.commit()
		echo(f"  {first:%B %Y}: {made.entries} entries so far, {made.invoices} invoices")
	return made


def ensure_activities() -> None:
	for name, rate in ACTIVITIES:
		if not frappe.db.exists(ACTIVITY, name):
			frappe.get_doc({"doctype": ACTIVITY, "activity_name": name, "default_rate": rate}).insert()
	for category, activity, rate in CATEGORY_RATES:
		if frappe.db.exists("Customer Category", category) and not frappe.db.exists(
			RATE, {"item_code": activity, "customer_category": category}
		):
			frappe.get_doc(
				{"doctype": RATE, "item_code": activity, "customer_category": category, "rate": rate}
			).insert()


def ensure_staff_rates(staff: list[str]) -> None:
	"""A Staff Rate for each of the staff users that has none."""
	for user, (billing, cost) in zip(staff, itertools.cycle(STAFF_RATES)):
		if not frappe.db.exists(STAFF_RATE, user):
			frappe.get_doc(
				{"doctype": STAFF_RATE, "user": user, "billing_rate": billing, "cost_rate": cost}
			).insert()


class EntryWriter:
	"""Time entries written in bulk, valued as the controller values them."""

	def __init__(self, rng: random.Random, staff: list[str]):
		self.rng = rng
		self.staff = staff
		self.rates: dict[tuple, frappe._dict] = {}
		self.day_hours: dict[tuple, float] = {}

	def rate(self, customer: str, activity: str, user: str) -> frappe._dict:
		key = (customer, activity, user)
		if key not in self.rates:
			self.rates[key] = time_entries.rate_in_force(customer, activity, user)
		return self.rates[key]

	def entries(self, engagement, first: date, last: date) -> list[dict]:
		"""On about one weekday in three: one or two entries of half an hour to five hours."""
		out = []
		day = first
		while day <= last:
			if day.weekday() < 5 and self.rng.random() < 0.3:
				for _i in range(self.rng.choice((1, 1, 2))):
					user = self.rng.choice(self.staff)
					hours = self.rng.randint(1, 10) / 2
					if self.day_hours.get((user, day), 0) + hours > DAY_HOURS:
						continue
					self.day_hours[(user, day)] = self.day_hours.get((user, day), 0) + hours
					out.append(self.entry(engagement, user, day, hours))
			day += timedelta(days=1)
		return out

	def entry(self, engagement, user: str, day: date, hours: float) -> dict:
		activity = self.rng.choice(ACTIVITIES)[0]
		billable = self.rng.random() < 0.9
		found = self.rate(engagement.customer, activity, user)
		return {
			"engagement": engagement.name,
			"engagement_title": engagement.title,
			"customer": engagement.customer,
			"customer_name": engagement.customer_name,
			"user": user,
			"date": day,
			"hours": hours,
			"activity": activity,
			"billable": 1 if billable else 0,
			"description": self.rng.choice(DESCRIPTIONS),
			"currency": found.currency,
			"rate": found.rate if billable else 0,
			"rate_source": found.source if billable else None,
			"amount": rules.time_value(hours, found.rate) if billable else 0,
		}

	def write(self, engagements: list, first: date, last: date) -> int:
		return insert_entries(
			[row for engagement in engagements for row in self.entries(engagement, first, last)]
		)


def insert_entries(rows: list[dict]) -> int:
	"""Time entries in bulk: names from the naming series, the standard fields, then each row's
	ENTRY_FIELDS (those it lacks left empty); how many were written."""
	series = frappe.get_meta(TIME_ENTRY).get_field("naming_series").options.split("\n")[0]
	names = reserve_names(series, len(rows)) if rows else []
	stamp, user = now_datetime(), frappe.session.user
	frappe.db.bulk_insert(
		TIME_ENTRY,
		(*STANDARD_FIELDS, *ENTRY_FIELDS),
		[
			(name, stamp, stamp, user, user, 0, 0, series, *(row.get(f) for f in ENTRY_FIELDS))
			for name, row in zip(names, rows, strict=True)
		],
	)
	return len(rows)


def invoice_month(customers: list, month_end: date, rng: random.Random) -> tuple[int, int]:
	"""Each customer's unbilled time, invoiced at the month's end, per entry or per activity; nine in
	ten of those invoices submitted."""
	made = submitted = 0
	for customer in customers:
		if not time_invoicing.unbilled_entries(customer.name):
			continue
		name = time_invoicing.invoice_unbilled(
			customer.name, per=rng.choice((rules.PER_ENTRY, rules.PER_ACTIVITY)), posting_date=month_end
		)
		made += 1
		if rng.random() < 0.9:
			frappe.get_doc("Customer Invoice", name).submit()
			submitted += 1
	return made, submitted
