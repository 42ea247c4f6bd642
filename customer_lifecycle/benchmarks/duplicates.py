"""Speed of the duplicate check and of the duplicates report, on a site with many customers.

- the check that Customer.validate and the desk's API run (`find_duplicates`): p50 and p95 for
  values of existing customers (hits on email, phone, ID number and name key) and for new ones
- the desk's API method (`api.duplicates.check`: normalisation, permission, the same check)
- the "Possible Duplicate Customers" report over the whole table, at its default minimum score
  and at 0 (every pair, name-only matches included)
"""

import time

import frappe

from customer_lifecycle.api.duplicates import check
from customer_lifecycle.benchmarks.stats import percentile, summary, time_each
from customer_lifecycle.benchmarks.volume import ensure_customers
from customer_lifecycle.customers.duplicates import find_duplicates
from customer_lifecycle.customers.report.possible_duplicate_customers import possible_duplicate_customers
from customer_lifecycle.demo.customers import FakeCustomers
from customer_lifecycle.utils.doctypes import CUSTOMER


def main(customers: int, inserts: int, samples: int, echo=print) -> dict:
	ensure_customers(customers, echo)
	echo(f"  ({frappe.db.count(CUSTOMER, {'name_key': ('is', 'not set')})} without a name key)")
	existing = sample_customers(samples)
	fake = FakeCustomers(seed=samples)
	fresh = [fake.customer([]) for _ in range(samples)]
	figures = {}
	figures.update(latency("Duplicate check, existing customers' values", "check_existing", existing, echo))
	figures.update(latency("Duplicate check, new customers' values", "check_new", fresh, echo))

	def api_call(i):
		row = existing[i]
		check(
			customer_name=row["customer_name"],
			email=row["email"],
			phone=row["phone"],
			id_number=row["id_number"],
		)

	api_call(0)
	ms = time_each(api_call, len(existing))
	echo(summary("API customer_lifecycle.api.duplicates.check", ms, "p95 <= 5 ms"))
	figures.update(api_p50_ms=percentile(ms, 50), api_p95_ms=percentile(ms, 95))
	figures.update(report_time(echo))
	return figures


def sample_customers(count: int) -> list[dict]:
	"""Random existing customers, in one query. ORDER BY RAND() reads the table once: fine here."""
	return frappe.db.sql(
		"select name, customer_name, email, phone, id_number from `tabCustomer` order by rand() limit %s",
		count,
		as_dict=True,
	)


def latency(label: str, key: str, rows: list[dict], echo) -> dict:
	def call(i):
		find_duplicates(rows[i], exclude=rows[i].get("name"))

	call(0)  # warm the meta cache, as a running server has it
	ms = time_each(call, len(rows))
	found = sum(1 for row in rows[:50] if find_duplicates(row, exclude=row.get("name")))
	echo(summary(label, ms, "p95 <= 5 ms") + f"; {found} of the first 50 have candidates")
	return {f"{key}_p50_ms": percentile(ms, 50), f"{key}_p95_ms": percentile(ms, 95)}


def report_time(echo) -> dict:
	figures = {}
	for min_score in (possible_duplicate_customers.DEFAULT_MIN_SCORE, 0):
		start = time.perf_counter()
		_columns, data, _message = possible_duplicate_customers.execute({"min_score": min_score})
		seconds = time.perf_counter() - start
		echo(
			f"Report Possible Duplicate Customers (min score {min_score}): {seconds:.2f} s, {len(data)} pairs"
		)
		figures[f"report_min{min_score}_s"] = seconds
	return figures
