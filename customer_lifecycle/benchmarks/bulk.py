"""Speed of finding and acting on many customers, on a site with many customers.

- link search (Frappe's search_link, routed to customer_query) as a Customer User: p50 and p95 for
  a part of a name, an email prefix, a phone, an ID number and a contact's company prefix
- the contact-company step of that search alone
- bulk actions run inline (tag, archive, lifecycle action, delete): milliseconds per customer

Customers made in bulk have no contacts, so one contact per customer (with a Faker company name) is
bulk-inserted for the measurement and removed afterwards. The bulk actions are rolled back: the
site keeps its customers as they were.
"""

import time

import frappe
from frappe.desk.search import search_link

from customer_lifecycle.api.bulk import run
from customer_lifecycle.benchmarks.foundation import ensure_bench_user
from customer_lifecycle.benchmarks.stats import percentile, summary, time_each
from customer_lifecycle.benchmarks.volume import ensure_customers
from customer_lifecycle.customers.bulk_actions import BULK_INLINE
from customer_lifecycle.customers.search import customers_by_contact_company
from customer_lifecycle.demo.billing import CHILD_FIELDS
from customer_lifecycle.demo.customers import STANDARD_FIELDS, FakeCustomers
from customer_lifecycle.lifecycle.engine import get_transitions, get_workflow, initial_state
from customer_lifecycle.utils.doctypes import CUSTOMER

MARKER = "CL Benchmark Contact"  # first_name of the contacts this suite adds, and removes
CHUNK = 5000
CONTACT_FIELDS = (*STANDARD_FIELDS, "first_name", "full_name", "company_name", "status")
LINK_FIELDS = (*CHILD_FIELDS, "link_doctype", "link_name", "link_title")


def main(customers: int, inserts: int, samples: int, echo=print) -> dict:
	ensure_customers(customers, echo)
	companies = add_contacts(echo)
	try:
		figures = search_latency(samples, companies, echo)
		figures.update(bulk_rates(echo))
	finally:
		remove_contacts()
	return figures


def add_contacts(echo) -> list[str]:
	"""One contact per customer, linked through Dynamic Link, each with a company name."""
	fake = FakeCustomers(seed=11).fake
	rows = frappe.get_all(CUSTOMER, fields=["name", "customer_name"], order_by="name asc")
	now = frappe.utils.now_datetime()
	user = frappe.session.user
	companies = []
	for start in range(0, len(rows), CHUNK):
		contacts, links = [], []
		for row in rows[start : start + CHUNK]:
			company = fake.company()
			companies.append(company)
			contact = frappe.generate_hash(length=12)
			contacts.append((contact, now, now, user, user, 0, 0, MARKER, MARKER, company, "Passive"))
			links.append(
				(
					frappe.generate_hash(length=12),
					now,
					now,
					user,
					user,
					0,
					1,
					contact,
					"Contact",
					"links",
					CUSTOMER,
					row.name,
					row.customer_name,
				)
			)
		frappe.db.bulk_insert("Contact", CONTACT_FIELDS, contacts)
		frappe.db.bulk_insert("Dynamic Link", LINK_FIELDS, links)
		frappe.db.commit()
	echo(f"Contacts added for the measurement: {len(rows)}")
	return companies


def remove_contacts() -> None:
	contact = frappe.qb.DocType("Contact")
	link = frappe.qb.DocType("Dynamic Link")
	mine = frappe.qb.from_(contact).select(contact.name).where(contact.first_name == MARKER)
	frappe.qb.from_(link).delete().where(link.parenttype == "Contact").where(link.parent.isin(mine)).run()
	frappe.qb.from_(contact).delete().where(contact.first_name == MARKER).run()
	frappe.db.commit()


def search_latency(samples: int, companies: list[str], echo) -> dict:
	rows = frappe.get_all(
		CUSTOMER,
		filters={"archived": 0, "email": ("is", "set"), "phone": ("is", "set"), "id_number": ("is", "set")},
		fields=["customer_name", "email", "phone", "id_number"],
		limit=samples,
	)
	rng = FakeCustomers(seed=5).rng
	kinds = {
		"name part": lambda i: rows[i % len(rows)].customer_name.split()[-1],
		"email prefix": lambda i: rows[i % len(rows)].email[:8],
		"phone": lambda i: rows[i % len(rows)].phone,
		"ID number": lambda i: rows[i % len(rows)].id_number,
		"contact company prefix": lambda i: rng.choice(companies).split()[0][:6],
	}
	figures = {}
	frappe.set_user(ensure_bench_user())
	try:
		for label, text in kinds.items():
			search_link(CUSTOMER, text(0))  # warm caches, as a running server has them
			ms = time_each(lambda i, text=text: search_link(CUSTOMER, text(i), page_length=10), samples)
			echo(summary(f"Link search, {label}", ms, "p95 <= 50 ms"))
			key = label.replace(" ", "_")
			figures.update(
				{f"search_{key}_p50_ms": percentile(ms, 50), f"search_{key}_p95_ms": percentile(ms, 95)}
			)
		ms = time_each(lambda i: customers_by_contact_company(kinds["contact company prefix"](i)), samples)
		echo(summary("Contact company step alone (Contact join Dynamic Link)", ms))
		figures.update(company_step_p50_ms=percentile(ms, 50), company_step_p95_ms=percentile(ms, 95))
	finally:
		frappe.set_user("Administrator")
	return figures


def bulk_rates(echo) -> dict:
	"""Each action on BULK_INLINE customers in one request, rolled back: ms per customer."""
	first = initial_state(get_workflow())
	action = next(t.action for t in get_transitions(get_workflow()) if t.state == first)
	names = frappe.get_all(
		CUSTOMER,
		filters={"archived": 0, "lifecycle_status": first},
		pluck="name",
		limit=BULK_INLINE,
		order_by="modified asc",
	)
	figures = {}
	for label, kind, params in (
		("tag", "tag", {"tag": "Benchmark"}),
		("archive", "archive", {}),
		(f"lifecycle ({action})", "lifecycle", {"action": action}),
		("delete", "delete", {}),
	):
		start = time.perf_counter()
		state = run(kind, names, params)
		ms = (time.perf_counter() - start) * 1000
		frappe.db.rollback()
		per_row = ms / len(names)
		echo(
			f"Bulk {label}, {len(names)} customers inline: {ms:.0f} ms, {per_row:.1f} ms per customer"
			f" ({state.done} done, {state.failed} failed{': ' + state.results[0]['message'] if state.failed else ''})"
		)
		figures[f"bulk_{kind}_ms_per_customer"] = per_row
	return figures
