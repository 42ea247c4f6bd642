"""Service plans for the demo: four plans, and a subscription for a share of the demo's active customers
at a site address of theirs (with an access contact), its visits made by one of the demo's staff,
made through the controllers. Their history is made
by the daily job itself, run for each of the last days in turn: visits (Events) from their start,
the past ones marked completed, the next ones in the calendar, and an invoice per period begun.
"""

import random
from datetime import timedelta

import frappe
from faker import Faker
from frappe.utils import getdate, nowdate

from customer_lifecycle.lifecycle.engine import get_settings
from customer_lifecycle.service import job
from customer_lifecycle.utils.doctypes import (
	CUSTOMER,
	EVENT,
	INVOICE,
	SERVICE_PLAN,
	STATE_FIELD,
	SUBSCRIPTION,
)

# name, frequency, visits per period, price, visit time, minutes, description
PLANS = (
	("Weekly Cleaning", "Weekly", 1, 60, "09:00", 90, "Weekly office cleaning"),
	("Monthly Maintenance", "Monthly", 2, 180, "10:30", 60, "Twice-monthly maintenance round"),
	("Quarterly Inspection", "Quarterly", 1, 240, "14:00", 120, "Quarterly safety inspection"),
	("Annual Service", "Yearly", 1, 400, "11:00", 180, "Annual boiler service"),
)
RELATIONSHIPS = ("Tenant", "Letting Agent", "Other")


def ensure_plans(plans: tuple = PLANS) -> list[str]:
	"""The plans (tuples as PLANS's), made where missing; their names."""
	for name, frequency, visits, price, time, minutes, description in plans:
		if not frappe.db.exists(SERVICE_PLAN, name):
			frappe.get_doc(
				{
					"doctype": SERVICE_PLAN,
					"plan_name": name,
					"frequency": frequency,
					"visits_per_period": visits,
					"price": price,
					"visit_time": time,
					"visit_minutes": minutes,
					"description": description,
				}
			).insert(ignore_permissions=True)
	return [plan[0] for plan in plans]


def make_subscriptions(
	customers: list[str],
	staff: list[str] | None = None,
	share: float = 0.1,
	days: int = 60,
	seed: int | None = None,
	commit: bool = True,
) -> list[str]:
	"""Subscribe `share` of the active ones among `customers`, each at a new site address, its visits
	made by one of `staff` (else the user running it), from up to `days` ago; then run the daily job
	for each of those days, on these subscriptions only. Returns the subscriptions."""
	rng, fake = random.Random(seed), Faker("en_GB")
	fake.seed_instance(seed)
	plans = ensure_plans()
	active = frappe.get_all(
		CUSTOMER,
		filters={"name": ("in", customers or [""]), STATE_FIELD: get_settings().active_state},
		pluck="name",
		order_by="name",
	)
	chosen = rng.sample(active, max(1, int(len(active) * share))) if active else []
	today = getdate(nowdate())
	made = []
	for customer in chosen:
		site = frappe.get_doc(
			{
				"doctype": "Address",
				"address_title": f"{fake.street_name()} site",
				"address_type": "Other",
				"address_line1": fake.street_address(),
				"city": fake.city(),
				"pincode": fake.postcode(),
				"country": frappe.get_system_settings("country") or "United Kingdom",
				"is_site_address": 1,
				"access_contact_name": fake.name(),
				"access_contact_phone": fake.phone_number(),
				"access_contact_relationship": rng.choice(RELATIONSHIPS),
				"access_notes": rng.choice(
					("Key safe by the door", "Ring the bell twice", "Park at the back", None)
				),
				"links": [{"link_doctype": CUSTOMER, "link_name": customer}],
			}
		).insert(ignore_permissions=True)
		start = today - timedelta(days=rng.randint(0, days))
		subscription = frappe.get_doc(
			{
				"doctype": SUBSCRIPTION,
				"customer": customer,
				"plan": rng.choice(plans),
				"site_address": site.name,
				"start_date": start,
				"next_visit_date": start + timedelta(days=rng.randint(0, 6)),
				"assigned_to": rng.choice(staff) if staff else None,
			}
		)
		# the daily job makes their history below, day by day
		subscription.flags.visits_by_job = True
		made.append(subscription.insert(ignore_permissions=True).name)
	for day in range(days, -1, -1):
		job.run(today - timedelta(days=day), names=made)
	complete_past_visits(made)
	if commit:
		frappe.db.commit()
	return made


def counts(subscriptions: list[str]) -> dict:
	"""What the demo's subscriptions hold: visits and period invoices."""
	of = {"reference_doctype": SUBSCRIPTION, "reference_docname": ("in", subscriptions or [""])}
	return {
		"service subscriptions": len(subscriptions),
		"visits": frappe.db.count(EVENT, of),
		"period invoices": frappe.db.count(INVOICE, {"service_subscription": ("in", subscriptions or [""])}),
	}


def complete_past_visits(subscriptions: list[str]) -> None:
	"""The visits before today were made: completed, as the staff would mark them."""
	event = frappe.qb.DocType(EVENT)
	(
		frappe.qb.update(event)
		.set(event.status, "Completed")
		.where(
			(event.reference_doctype == SUBSCRIPTION)
			& event.reference_docname.isin(subscriptions or [""])
			& (event.status == "Open")
			& (event.starts_on < getdate(nowdate()))
		)
	).run()
