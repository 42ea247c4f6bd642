"""Speed of anonymizing and deleting a customer on a large site.

Each sample makes a customer (Faker data, so it gets a Contact and an Address) with a note, a flag,
a comment and a task, then anonymizes it through the app's API (the typed-name check, the workflow
action and the removal of its personal data) or deletes it (delete protection included). Nothing is
kept: the samples are rolled back at the end. Anonymizing searches a few site-wide tables for text
that names the customer (comments, deleted documents, notification and error logs), so its time
grows with those tables, not with the number of customers.
"""

import frappe

from customer_lifecycle.api.privacy import anonymize
from customer_lifecycle.benchmarks.stats import percentile, summary, time_each
from customer_lifecycle.customers.doctype.customer.customer import site_country_code
from customer_lifecycle.demo.customers import FakeCustomers
from customer_lifecycle.utils.doctypes import CUSTOMER

FIELDS = ("customer_name", "customer_type", "customer_category", "email", "phone", "id_number", "notes")


def main(customers: int, inserts: int, samples: int, echo=print) -> dict:
	frappe.set_user("Administrator")
	fake = FakeCustomers(seed=11, region=site_country_code())
	categories = frappe.get_all("Customer Category", pluck="name")
	for doctype in ("Comment", "Deleted Document", "Notification Log", "Error Log", "Version"):
		echo(f"{doctype}: {frappe.db.count(doctype)} rows")
	try:
		made = [make(fake, categories) for _ in range(samples)]
		names = [frappe.db.get_value(CUSTOMER, name, "customer_name") for name in made]
		ms = time_each(lambda i: anonymize(made[i], confirm_name=names[i]), samples)
		echo(summary("Anonymize a customer (api.privacy.anonymize)", ms, "p95 <= 2000 ms"))
		figures = {"anonymize_p50_ms": percentile(ms, 50), "anonymize_p95_ms": percentile(ms, 95)}
		made = [make(fake, categories) for _ in range(samples)]
		ms = time_each(lambda i: frappe.delete_doc(CUSTOMER, made[i]), samples)
		echo(summary("Delete a customer without billing records (delete_doc)", ms, "p95 <= 1000 ms"))
		figures.update(delete_p50_ms=percentile(ms, 50), delete_p95_ms=percentile(ms, 95))
	finally:
		frappe.db.rollback()
	return figures


def make(fake: FakeCustomers, categories: list[str]) -> str:
	data = fake.customer(categories)
	doc = frappe.get_doc(
		{
			"doctype": CUSTOMER,
			"allow_duplicate": 1,
			**{k: data[k] for k in FIELDS if k in data},
			"address_line1": "1 Benchmark Road",
			"city": "Leeds",
		}
	).insert()
	frappe.get_doc(
		{"doctype": "Customer Note", "customer": doc.name, "content": f"Met {doc.customer_name}"}
	).insert()
	frappe.get_doc({"doctype": "Customer Flag", "customer": doc.name, "reason": "Check ID"}).insert()
	doc.add_comment("Comment", f"Called {doc.customer_name}")
	frappe.get_doc(
		{
			"doctype": "ToDo",
			"description": f"Call {doc.customer_name}",
			"reference_type": CUSTOMER,
			"reference_name": doc.name,
		}
	).insert()
	return doc.name
