"""Important dates and a message in the demo: birth dates on about half of the demo's Individual
customers (a few of them in the next 14 days, so the workspace's Upcoming Dates has some) and on a
fifth of its Company customers' contacts (anniversaries come from the first invoices billing made),
and a draft Newsletter to the consenting contacts of the demo's own VIP customers."""

import random
from datetime import date, timedelta

import frappe
from frappe.utils import getdate, nowdate

from customer_lifecycle.customers import date_rules, messages
from customer_lifecycle.demo.customers import read_customers
from customer_lifecycle.privacy.records import anonymized_state
from customer_lifecycle.utils.bulk import set_column
from customer_lifecycle.utils.doctypes import CUSTOMER

SOON = 6  # Individual customers whose birthday falls in the next 14 days
MESSAGE_CATEGORY = "VIP"
MESSAGE_SUBJECT = "A thank-you to our VIP customers"
FALLBACK_SUBJECT = "News from the firm"


def birth_date(rng: random.Random, today: date, soon: bool) -> date:
	"""Someone between 20 and 80; `soon`: born on a day of the next 14."""
	years = rng.randint(20, 80)
	if soon:
		day = today + timedelta(days=rng.randrange(date_rules.UPCOMING_DAYS))
		return date_rules.in_year(day, day.year - years)
	return date(today.year - years, 1, 1) + timedelta(days=rng.randrange(365))


def make_dates(names: list[str], seed: int = 1) -> dict:
	rng = random.Random(seed)
	today = getdate(nowdate())
	customers = [
		c
		for c in read_customers(names, ["customer_type", "primary_contact", "archived", "lifecycle_status"])
		if not c.archived and c.lifecycle_status != anonymized_state()
	]
	people = [c for c in customers if c.customer_type == "Individual" and rng.random() < 0.5]
	born = {c.name: birth_date(rng, today, soon=index < SOON) for index, c in enumerate(people)}
	contact_born = {c.primary_contact: born[c.name] for c in people if c.primary_contact}
	contacts = [
		c.primary_contact
		for c in customers
		if c.customer_type == "Company" and c.primary_contact and rng.random() < 0.2
	]
	contact_born.update({contact: birth_date(rng, today, soon=False) for contact in contacts})
	# one UPDATE per table, as the demo writes (utils.bulk)
	set_column(CUSTOMER, "birth_date", born)
	set_column("Contact", "birth_date", contact_born)
	return {"customers with a birth date": len(people), "contacts with a birth date": len(contacts)}


def make_message(names: list[str]) -> dict:
	"""The draft Newsletter to the consenting contacts of the demo's VIP customers (of all its
	customers when none of those consented)."""
	vips = [
		c.name
		for c in read_customers(names, ["customer_category"])
		if c.customer_category == MESSAGE_CATEGORY
	]
	# each demo's draft a subject of its own (Frappe names a Newsletter after its subject)
	made_on = f" ({frappe.utils.now_datetime():%d %b %Y %H:%M:%S})"
	for chosen, subject in ((vips, MESSAGE_SUBJECT), (names, FALLBACK_SUBJECT)):
		if chosen and messages.audience({"customers": chosen})["included"]:
			made = messages.make_newsletter({"customers": chosen}, subject + made_on)
			return {
				"draft newsletters": 1,
				"recipients": made["included"],
				"contacts left out": sum(made["left_out"].values()),
			}
	return {"draft newsletters": 0}
