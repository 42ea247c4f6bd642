"""Speed and query count of the customer analytics reports, at two sizes of billing history.

The site gets `customers` customers (benchmarks.volume). Billing history is bulk-inserted for the
first tenth of them (the small size), the reports are measured, then for all of them (the large
size) and measured again. Each customer is topped up to INVOICES_PER_CUSTOMER submitted invoices
(dated over the last two years) and each new invoice gets one submitted payment with its allocation,
paying all of it, half of it or (one in ten) nothing; at 100,000 customers that is 1M invoices and
0.9M payments. Invoice item rows are not written: no report reads them. Later runs reuse the rows.

For each report at each size: p50 and p95 of execute() with its default filters, over
min(samples, REPORT_SAMPLES) runs after one warm-up run, and the number of `frappe.db.sql` calls of
one run, which must be the same at both sizes. For a Prepared Report (the Report's flag, as on this
site), execute() is the background run; at the large size the suite also prepares one with the
default filters and times what the desk does when the report is opened: query_report.run reading
the prepared result back (p50 and p95; the prepared report is deleted afterwards).

It ends with what a person waits for when opening each report at the large size (the p95 of opening
the prepared result for a Prepared Report, of execute() for a live one), against the target of
WAIT_TARGET_MS, and the background run of each Prepared Report.
"""

import random
import time
from collections.abc import Callable
from contextlib import contextmanager

import frappe
from frappe.core.doctype.prepared_report.prepared_report import (
	generate_report,
	process_filters_for_prepared_report,
)
from frappe.core.doctype.report.report import get_report_module_dotted_path
from frappe.desk import query_report
from frappe.utils import add_days, getdate, nowdate

from customer_lifecycle.benchmarks.stats import percentile, summary, time_each
from customer_lifecycle.benchmarks.volume import ensure_customers
from customer_lifecycle.billing import rules
from customer_lifecycle.billing.figures import write_all
from customer_lifecycle.demo.billing import ALLOCATION_FIELDS, INVOICE_FIELDS, PAYMENT_FIELDS, BillingRows
from customer_lifecycle.utils.doctypes import ALLOCATION, INVOICE, PAYMENT
from customer_lifecycle.utils.naming import reserve_names

INVOICES_PER_CUSTOMER = 10
REPORT_SAMPLES = 5
# customers whose history is written per round of bulk inserts (and commit)
CHUNK = 5000
# report title -> the key its figures are printed under
REPORTS = {
	"Customer Lifetime Value": "customer_lifetime_value",
	"Revenue by Customer": "revenue_by_customer",
	"Customer Payments": "customer_payments",
	"Lifecycle Funnel": "lifecycle_funnel",
	"Time in Stage": "time_in_stage",
	"Customer Overview": "customer_overview",
	"At-Risk Customers": "at_risk_customers",
	"Receivables Aging": "receivables_aging",
	"Customer Profitability": "customer_profitability",
}
# what a person may wait for when opening a report (ms, p95)
WAIT_TARGET_MS = 2000
METHODS = ("Cash", "Bank Transfer", "Card", "Mobile Money")


@contextmanager
def counting_queries():
	"""Yield a list that collects the query of every `frappe.db.sql` call made inside the block
	(frappe.qb's run(), get_all and get_value all go through it)."""
	calls: list[str] = []
	real = frappe.db.sql

	def sql(query, *args, **kwargs):
		calls.append(str(query))
		return real(query, *args, **kwargs)

	frappe.db.sql = sql
	try:
		yield calls
	finally:
		del frappe.db.sql  # the class's own method again


def report_runner(title: str, filters: dict | None = None) -> Callable[[], tuple]:
	"""A function that runs the report's execute() with `filters`."""
	module = get_report_module_dotted_path(frappe.db.get_value("Report", title, "module"), title)
	execute = frappe.get_attr(f"{module}.execute")
	return lambda: execute(dict(filters or {}))


def query_count(run: Callable[[], tuple]) -> int:
	run()  # warm caches (meta, report, workflow), as a running server has them
	with counting_queries() as calls:
		run()
	return len(calls)


def main(customers: int, inserts: int, samples: int, echo=print) -> dict:
	ensure_customers(customers, echo)
	everyone = frappe.get_all("Customer", fields=["name", "customer_name"], order_by="name", limit=customers)
	runs = max(1, min(samples, REPORT_SAMPLES))
	figures, counts = {}, {}
	prepared = {title: bool(frappe.db.get_value("Report", title, "prepared_report")) for title in REPORTS}
	for size, group in (("small", everyone[: max(1, len(everyone) // 10)]), ("large", everyone)):
		made = ensure_history(group, echo)
		invoices = frappe.db.count(INVOICE, {"docstatus": 1})
		payments = frappe.db.count(PAYMENT, {"docstatus": 1})
		echo(
			f"\n{size}: history for {len(group)} customers ({made} invoices made now); "
			f"{invoices} invoices and {payments} payments in the tables"
		)
		for title in REPORTS:
			run = report_runner(title)
			counts[title, size] = query_count(run)
			rows = len(run()[1])
			ms = time_each(lambda i, run=run: run(), runs)
			label = f"{title} ({rows} rows, {counts[title, size]} queries)"
			if prepared[title]:
				echo(summary(f"{label}, background run of the Prepared Report", ms))
			else:
				echo(summary(label, ms, f"p95 <= {WAIT_TARGET_MS / 1000:g} s"))
			key = REPORTS[title]
			figures[f"{key}_{size}_p95_ms"] = percentile(ms, 95)
			figures[f"{key}_{size}_queries"] = counts[title, size]
	made = {}
	for title in REPORTS:
		if prepared[title]:
			made[title], ms = prepared_read(title, runs)
			key = REPORTS[title]
			echo(summary(f"{title}, opened as a Prepared Report", ms, f"p95 <= {WAIT_TARGET_MS / 1000:g} s"))
			figures[f"{key}_prepared_p95_ms"] = percentile(ms, 95)
			figures[f"{key}_prepared_in_s"] = round(made[title], 2)
	echo("\nWhat a person waits for when opening each report (large size, p95):")
	for title, key in REPORTS.items():
		wait = figures[f"{key}_prepared_p95_ms" if prepared[title] else f"{key}_large_p95_ms"]
		figures[f"{key}_wait_p95_ms"] = wait
		how = "runs live"
		if prepared[title]:
			how = f"opens the prepared result; prepared in the background in {made[title]:.1f} s"
		verdict = "ok" if wait <= WAIT_TARGET_MS else "OVER"
		echo(f"  {title}: {wait:.0f} ms ({how}) {verdict}")
	within = [title for title, key in REPORTS.items() if figures[f"{key}_wait_p95_ms"] <= WAIT_TARGET_MS]
	echo(f"Within {WAIT_TARGET_MS / 1000:g} s: {len(within)} of {len(REPORTS)} reports")
	same = [title for title in REPORTS if counts[title, "small"] == counts[title, "large"]]
	echo(f"\nSame query count at both sizes: {len(same)} of {len(REPORTS)} reports")
	return figures


def prepared_read(title: str, runs: int) -> tuple[float, list[float]]:
	"""Prepare the report with its default filters as the background job does (seconds taken), then
	time query_report.run reading it back as the desk does on opening the report (ms per run). The
	Prepared Report is written without its insert hooks (which would queue the job) and deleted, with
	its file, afterwards."""
	prepared = frappe.get_doc(
		{
			"doctype": "Prepared Report",
			"name": frappe.generate_hash(length=10),
			"report_name": title,
			"filters": process_filters_for_prepared_report({}),
			"status": "Queued",
			"owner": frappe.session.user,
		}
	)
	prepared.db_insert()
	start = time.perf_counter()
	generate_report(prepared.name)
	made = time.perf_counter() - start
	try:
		assert query_report.run(title, {}).get("prepared_report"), f"{title} was not read as prepared"
		return made, time_each(lambda i: query_report.run(title, {}), runs)
	finally:
		frappe.delete_doc("Prepared Report", prepared.name, ignore_permissions=True, force=True)
		frappe.db.commit()


def ensure_history(group: list, echo=print) -> int:
	"""Bulk-insert invoices, payments and allocations until each customer of `group` has
	INVOICES_PER_CUSTOMER submitted invoices; returns how many invoices were made."""
	have = dict(
		frappe.db.sql(f"select customer, count(*) from `tab{INVOICE}` where docstatus = 1 group by customer")
	)
	wanted = [c for c in group for _i in range(INVOICES_PER_CUSTOMER - have.get(c.name, 0))]
	made = 0
	for start in range(0, len(wanted), CHUNK * INVOICES_PER_CUSTOMER):
		chunk = wanted[start : start + CHUNK * INVOICES_PER_CUSTOMER]
		write_history(chunk, random.Random(len(have) + start))
		frappe.db.commit()
		made += len(chunk)
		echo(f"  {made} of {len(wanted)} invoices made")
	if made:
		# the bulk rows skip the controllers: the customers' stored figures from the records
		write_all()
		frappe.db.commit()
	return made


def write_history(customers: list, rng: random.Random) -> None:
	"""One submitted invoice per entry of `customers` and, for nine in ten, a payment of all or half
	of it with its allocation."""
	rows = BillingRows()
	invoice_names = reserve_names(rows.series[INVOICE], len(customers))
	paid = [rng.random() < 0.9 for _c in customers]
	payment_names = iter(reserve_names(rows.series[PAYMENT], sum(paid)))
	today = getdate(nowdate())
	invoices, payments, allocations = [], [], []
	for name, customer, is_paid in zip(invoice_names, customers, paid, strict=True):
		posted = add_days(today, -rng.randint(0, 720))
		due = add_days(posted, 30)
		total = rng.randint(1, 500) * 10.0
		amount = (total if rng.random() < 0.8 else total / 2) if is_paid else 0.0
		status = rules.invoice_status(1, total, total - amount, due, today)
		invoices.append(
			rows.invoice(
				name, customer.name, customer.customer_name, posted, due, status, total, total - amount
			)
		)
		if not is_paid:
			continue
		payment = next(payment_names)
		paid_on = min(add_days(posted, rng.randint(0, 60)), today)
		payments.append(
			rows.payment(payment, customer.name, customer.customer_name, paid_on, amount, rng.choice(METHODS))
		)
		allocations.append(rows.allocation(payment, name, due, total, amount))
	frappe.db.bulk_insert(INVOICE, INVOICE_FIELDS, invoices)
	frappe.db.bulk_insert(PAYMENT, PAYMENT_FIELDS, payments)
	frappe.db.bulk_insert(ALLOCATION, ALLOCATION_FIELDS, allocations)
