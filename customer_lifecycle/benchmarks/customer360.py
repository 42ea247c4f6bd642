"""Speed of the Customer 360 summary for a customer that holds many records.

One customer, "Customer 360 Benchmark", with 1,000 notes and 50 flags (5 of them active) when the
site has the Customer Note and Customer Flag DocTypes, 200 files and 20 open tasks. The records are
bulk-inserted once (files as File rows only, no content on disk: the summary only counts them) and
topped up on later runs, so the customer is reused rather than made again.

- customer_lifecycle.customers.summary.customer_summary: p50 and p95
- the desk's GET (api.customer360.summary: permission check included) as a Customer User
"""

import frappe
from frappe.utils import now

from customer_lifecycle.api.customer360 import summary as summary_api
from customer_lifecycle.benchmarks.foundation import ensure_bench_user
from customer_lifecycle.benchmarks.stats import percentile, summary, time_each
from customer_lifecycle.customers.files import customer_folder, ensure_folder
from customer_lifecycle.customers.summary import customer_summary
from customer_lifecycle.utils.doctypes import CUSTOMER

BENCH_CUSTOMER = "Customer 360 Benchmark"
NOTES, FLAGS, ACTIVE_FLAGS, FILES, TASKS = 1000, 50, 5, 200, 20


def main(customers: int, inserts: int, samples: int, echo=print) -> dict:
	frappe.set_user("Administrator")
	customer = ensure_customer()
	made = fill(customer, echo)
	frappe.db.commit()
	echo(f"Customer {customer}: " + ", ".join(f"{count} {what}" for what, count in made.items()))

	customer_summary(customer)  # warm caches, as a running server has them
	ms = time_each(lambda i: customer_summary(customer), samples)
	echo(summary("Customer 360 summary (customer_summary)", ms, "p95 <= 50 ms"))
	figures = {"summary_p50_ms": percentile(ms, 50), "summary_p95_ms": percentile(ms, 95)}

	frappe.set_user(ensure_bench_user())
	summary_api(customer)
	ms = time_each(lambda i: summary_api(customer), samples)
	frappe.set_user("Administrator")
	echo(summary("API customer_lifecycle.api.customer360.summary as a Customer User", ms, "p95 <= 50 ms"))
	figures.update(api_p50_ms=percentile(ms, 50), api_p95_ms=percentile(ms, 95))
	return figures


def ensure_customer() -> str:
	name = frappe.db.get_value(CUSTOMER, {"customer_name": BENCH_CUSTOMER})
	if not name:
		name = (
			frappe.get_doc({"doctype": CUSTOMER, "customer_name": BENCH_CUSTOMER, "allow_duplicate": 1})
			.insert()
			.name
		)
	return name


def fill(customer: str, echo) -> dict:
	"""Top the customer's records up to the target counts; what it holds, by kind."""
	made = {}
	if frappe.db.exists("DocType", "Customer Note"):
		made["notes"] = top_up(
			"Customer Note", {"customer": customer}, NOTES, lambda i: {"content": f"<p>Note {i}</p>"}
		)
	else:
		echo("Customer Note is not installed on this site: no notes made or counted")
	if frappe.db.exists("DocType", "Customer Flag"):
		made["flags"] = top_up(
			"Customer Flag",
			{"customer": customer},
			FLAGS,
			lambda i: {
				"reason": f"Flag {i}",
				"severity": "Medium",
				"status": "Active" if i < ACTIVE_FLAGS else "Resolved",
				"resolution_note": None if i < ACTIVE_FLAGS else "Resolved for the benchmark",
			},
		)
	else:
		echo("Customer Flag is not installed on this site: no flags made or counted")
	ensure_folder(customer)
	made["files"] = top_up(
		"File",
		{"attached_to_doctype": CUSTOMER, "attached_to_name": customer},
		FILES,
		lambda i: {
			"file_name": f"c360-bench-{i}.txt",
			"file_url": f"/private/files/c360-bench-{i}.txt",
			"is_private": 1,
			"is_folder": 0,
			"folder": customer_folder(customer),
			"file_size": 1024,
		},
	)
	made["open tasks"] = top_up(
		"ToDo",
		{"reference_type": CUSTOMER, "reference_name": customer, "status": "Open"},
		TASKS,
		lambda i: {
			"description": f"Task {i}",
			"allocated_to": "Administrator",
			"assigned_by": "Administrator",
		},
	)
	return made


def top_up(doctype: str, link: dict, target: int, row) -> int:
	"""Bulk-insert rows of `doctype` with the `link` values until `target` of them exist."""
	have = frappe.db.count(doctype, link)
	if have < target:
		stamp = now()
		standard = {
			"creation": stamp,
			"modified": stamp,
			"owner": "Administrator",
			"modified_by": "Administrator",
		}
		rows = [
			{"name": frappe.generate_hash(length=12), **standard, **link, **row(i)}
			for i in range(have, target)
		]
		fields = list(rows[0])
		frappe.db.bulk_insert(doctype, fields, [tuple(r[f] for f in fields) for r in rows])
	return max(have, target)
