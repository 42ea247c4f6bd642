"""Realistic customers in bulk, for demos and benchmarks.

Rows are written with bulk inserts, not through the controller, so 100k customers take seconds.
What the controller would guarantee is done here by the same code: emails and phones go through
the normalisers, names come from the naming series, and each customer's lifecycle history is a
path along the real workflow's transitions, written as Customer Lifecycle Change rows.
"""

import random
from collections.abc import Callable
from datetime import datetime, timedelta

import frappe
import phonenumbers
from faker import Faker
from frappe.utils import now_datetime

from customer_lifecycle.billing.currency import default_currency
from customer_lifecycle.customers import completeness, contacts
from customer_lifecycle.customers.doctype.customer.customer import site_country_code
from customer_lifecycle.customers.duplicates import name_key
from customer_lifecycle.lifecycle.engine import (
	CHANGE_FIELDS,
	CHANGE_LOG,
	CUSTOMER,
	get_settings,
	get_transitions,
	get_workflow,
	initial_state,
)
from customer_lifecycle.lifecycle.rules import path_between
from customer_lifecycle.privacy.records import anonymous_name
from customer_lifecycle.utils.customer_fields import DETAILS
from customer_lifecycle.utils.naming import reserve_names
from customer_lifecycle.utils.normalize import normalize_email, normalize_phone

CHUNK = 5000
STANDARD_FIELDS = ("name", "creation", "modified", "modified_by", "owner", "docstatus", "idx")
CUSTOMER_FIELDS = (
	*STANDARD_FIELDS,
	"naming_series",
	*DETAILS,
	"lifecycle_status",
	"lifecycle_since",
	"archived",
	"name_key",
	"completeness",
	"primary_contact",
	"currency",
)
CHANGE_ROW_FIELDS = (*STANDARD_FIELDS, *CHANGE_FIELDS)
TYPES = (("Individual", 6), ("Company", 3), ("Trust", 1))


class FakeCustomers:
	"""Faker-made customer data, normalised as the Customer controller would store it."""

	def __init__(self, seed: int | None = None, region: str | None = None):
		self.rng = random.Random(seed)
		self.fake = Faker(["en_GB", "en_US", "en_IN"])
		self.fake.seed_instance(seed)
		self.region = (region or "GB").upper()
		self.mobile_example = phonenumbers.example_number_for_type(
			self.region, phonenumbers.PhoneNumberType.MOBILE
		) or phonenumbers.example_number_for_type("GB", phonenumbers.PhoneNumberType.MOBILE)
		self.serial = 0

	def phone(self) -> str:
		national = str(self.mobile_example.national_number)
		keep = max(2, len(national) - 7)
		for _ in range(20):
			digits = national[:keep] + "".join(
				str(self.rng.randint(0, 9)) for _ in range(len(national) - keep)
			)
			candidate = f"+{self.mobile_example.country_code}{digits}"
			try:
				return normalize_phone(candidate)
			except ValueError:
				continue
		return normalize_phone(f"+{self.mobile_example.country_code}{national}")

	def customer(self, categories: list[str]) -> dict:
		self.serial += 1
		rng = self.rng
		customer_type = rng.choices([t for t, _ in TYPES], weights=[w for _, w in TYPES])[0]
		if customer_type == "Individual":
			first, last = self.fake.first_name(), self.fake.last_name()
			name = f"{first} {last}"
			local = f"{first}.{last}"
			id_number = "".join(str(rng.randint(0, 9)) for _ in range(13))
		else:
			name = self.fake.company() + (" Trust" if customer_type == "Trust" else "")
			local = rng.choice(["info", "accounts", "office", "admin", "hello"])
			id_number = (
				f"{rng.randint(1990, 2025)}/{rng.randint(100000, 999999)}/{rng.choice(['07', '08', '23'])}"
			)
		domain = self.fake.free_email_domain() if customer_type == "Individual" else self.fake.domain_name()
		local = "".join(ch for ch in local.lower() if ch.isalnum() or ch == ".")
		email = normalize_email(f"{local}.{self.serial}@{domain}")
		return {
			"customer_name": name,
			"customer_type": customer_type,
			"customer_category": rng.choice(categories) if categories and rng.random() < 0.8 else None,
			"email": email if rng.random() < 0.9 else None,
			"phone": self.phone() if rng.random() < 0.85 else None,
			"id_number": id_number if rng.random() < 0.6 else None,
			"notes": self.fake.sentence(nb_words=10) if rng.random() < 0.3 else None,
		}


def make_customers(
	count: int,
	seed: int | None = None,
	progress: Callable[[int], None] | None = None,
	on_chunk: Callable[[list[str]], None] | None = None,
) -> list[str]:
	"""Insert `count` customers spread over every state of the lifecycle workflow, with history,
	committed CHUNK at a time. `on_chunk` is given each chunk's names before its commit (the demo
	records them in the same transaction); `progress`, the count after it."""
	workflow = get_workflow()
	settings = get_settings()
	first = initial_state(workflow)
	transitions = get_transitions(workflow)
	states = list(dict.fromkeys(s.state for s in workflow.states))
	routes = {s: path_between(transitions, first, s) for s in states}
	targets = [s for s in states if routes[s] is not None]
	weights = [6 if s == settings.active_state else 1 for s in targets]
	categories = frappe.get_all("Customer Category", pluck="name")
	series = frappe.get_meta(CUSTOMER).get_field("naming_series").options.split("\n")[0]
	fake = FakeCustomers(seed, site_country_code())
	rules = completeness.get_rules()
	user = frappe.session.user
	now = now_datetime()
	currency = default_currency()
	made: list[str] = []

	primary_contacts = BulkContacts()
	while len(made) < count:
		size = min(CHUNK, count - len(made))
		names = reserve_names(series, size)
		customers, changes = [], []
		for name in names:
			data = fake.customer(categories)
			target = fake.rng.choices(targets, weights=weights)[0]
			# strictly increasing moments, all in the past, so the history sorts one way
			gaps = [timedelta(days=fake.rng.uniform(0.5, 60)) for _ in routes[target]]
			created = now - sum(gaps, timedelta()) - timedelta(days=fake.rng.uniform(1, 365))
			moment, entered = created, created
			for step, gap in zip(routes[target], gaps, strict=True):
				moment = moment + gap
				changes.append(change_row(name, step, moment, int((moment - entered).total_seconds()), user))
				entered = moment
			if target == settings.anonymized_state:
				data.update(
					customer_name=anonymous_name(name), email=None, phone=None, id_number=None, notes=None
				)
			# the primary Contact the controller makes from the email and phone
			data["primary_contact"] = None
			if data["email"] or data["phone"]:
				data["primary_contact"] = primary_contacts.add({**data, "name": name}, created, user)
			customers.append(
				(
					name,
					created,
					moment,
					user,
					user,
					0,
					0,
					series,
					data["customer_name"],
					data["customer_type"],
					data["customer_category"],
					data["email"],
					data["phone"],
					data["id_number"],
					data["notes"],
					target,
					moment,
					1 if fake.rng.random() < 0.03 else 0,
					name_key(data["customer_name"]) or None,
					completeness.score(data, rules),
					data["primary_contact"],
					currency,
				)
			)
		frappe.db.bulk_insert(CUSTOMER, CUSTOMER_FIELDS, customers)
		primary_contacts.write()
		frappe.db.bulk_insert(CHANGE_LOG, CHANGE_ROW_FIELDS, changes)
		if on_chunk:
			on_chunk(names)
		frappe.db.commit()
		made.extend(names)
		if progress:
			progress(size)
	return made


class BulkContacts:
	"""Primary Contacts (with their email, phone and link rows) made as the controller makes them
	(customers.contacts.contact_dict), collected and written in bulk."""

	CHILDREN = {"email_ids": "Contact Email", "phone_nos": "Contact Phone", "links": "Dynamic Link"}

	def __init__(self):
		self.rows: dict[str, list[dict]] = {}

	def add(self, customer: dict, created: datetime, user: str) -> str:
		values = contacts.contact_dict(customer)
		# Contact.autoname: the full name, then the first link's name
		name = f"{values['full_name']}-{customer['name']}"
		standard = {
			"creation": created,
			"modified": created,
			"owner": user,
			"modified_by": user,
			"docstatus": 0,
		}
		children = {field: values.pop(field) for field in self.CHILDREN}
		values.pop("doctype")
		self.rows.setdefault("Contact", []).append({**values, **standard, "name": name, "idx": 0})
		for field, doctype in self.CHILDREN.items():
			for idx, row in enumerate(children[field], 1):
				self.rows.setdefault(doctype, []).append(
					{
						**row,
						**standard,
						"name": frappe.generate_hash(length=10),
						"idx": idx,
						"parent": name,
						"parenttype": "Contact",
						"parentfield": field,
					}
				)
		return name

	def write(self) -> None:
		for doctype, rows in self.rows.items():
			fields = list(dict.fromkeys(key for row in rows for key in row))
			frappe.db.bulk_insert(doctype, fields, [tuple(row.get(f) for f in fields) for row in rows])
		self.rows = {}


def add_primary_contacts(echo=print) -> int:
	"""Give customers made before demo data had contacts their primary Contact, in bulk."""
	rules = completeness.get_rules()
	user = frappe.session.user
	done = 0
	while True:
		rows = frappe.get_all(
			CUSTOMER,
			filters={"primary_contact": ("is", "not set")},
			or_filters={"email": ("is", "set"), "phone": ("is", "set")},
			fields=[
				"name",
				"customer_name",
				"customer_type",
				"email",
				"phone",
				"id_number",
				"customer_category",
				"creation",
			],
			limit=CHUNK,
		)
		if not rows:
			return done
		bulk = BulkContacts()
		by_score: dict[float, list[str]] = {}
		for row in rows:
			row.primary_contact = bulk.add(row, row.creation, user)
			by_score.setdefault(completeness.score(row, rules), []).append(row.name)
		bulk.write()
		customer, link = frappe.qb.DocType(CUSTOMER), frappe.qb.DocType("Dynamic Link")
		(
			frappe.qb.update(customer)
			.join(link)
			.on(
				(link.link_name == customer.name)
				& (link.parenttype == "Contact")
				& (link.link_doctype == CUSTOMER)
			)
			.set(customer.primary_contact, link.parent)
			.where(customer.name.isin([row.name for row in rows]))
		).run()
		for value, names in by_score.items():
			frappe.db.set_value(
				CUSTOMER, {"name": ("in", names)}, "completeness", value, update_modified=False
			)
		frappe.db.commit()
		done += len(rows)
		echo(f"  primary contacts added: {done}")


def change_row(customer: str, step, moment: datetime, seconds: int, user: str) -> tuple:
	return (
		frappe.generate_hash(length=10),
		moment,
		moment,
		user,
		user,
		0,
		0,
		customer,
		step.state,
		step.next_state,
		step.action,
		None,
		0,
		user,
		moment,
		seconds,
	)


def read_customers(names, fields: list[str]) -> list[frappe._dict]:
	"""These customers' rows (the demo's steps work on the customers it made, never on a site's
	others), in name order."""
	wanted = set(names)
	rows = frappe.get_all(CUSTOMER, fields=["name", *fields], order_by="name", limit_page_length=0)
	return [row for row in rows if row.name in wanted]


def read_history(names) -> list[frappe._dict]:
	"""These customers' lifecycle changes, by customer, oldest first."""
	wanted = set(names)
	log = frappe.get_all(
		CHANGE_LOG,
		fields=["customer", "from_state", "to_state", "changed_on"],
		filters={"to_state": ("is", "set")},
		order_by="customer, changed_on",
		limit_page_length=0,
	)
	return [row for row in log if row.customer in wanted]
