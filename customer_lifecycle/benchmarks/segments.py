"""Speed of the nightly customer segmentation, on `customers` customers with many invoices and
payments (the daily dormancy job has its own suite, benchmarks.dormancy).

Data, made once in bulk by SQL inserts and reused by later runs: the billing suite's invoices
(benchmarks.billing.ensure_invoices: INVOICES_PER_CUSTOMER submitted invoices per billable
customer, dated over the last 200 days, some partly paid) and one payment per partly paid invoice,
allocated to it, a third of them dated after its due date.

- segments.update_segments over every customer: the first run (which writes every segment) and a
  second one (which finds nothing changed), committed: the segment fields are derived values (the
  job runs the At-Risk Customers report too, for the customers' at_risk mark)
- the At-Risk Customers report run live (the background run of its Prepared Report): p50/p95
- the workspace's At-Risk number card (a count of the customers marked at_risk): p50/p95
"""

import random
import time

import frappe
from frappe.desk.doctype.number_card.number_card import get_result
from frappe.utils import add_days, getdate, nowdate

from customer_lifecycle.analytics import segments
from customer_lifecycle.analytics.report.at_risk_customers.at_risk_customers import execute as at_risk
from customer_lifecycle.benchmarks.billing import ensure_invoices
from customer_lifecycle.benchmarks.stats import percentile, summary, time_each
from customer_lifecycle.benchmarks.volume import billable_customers, ensure_customers
from customer_lifecycle.demo.billing import ALLOCATION_FIELDS, PAYMENT_FIELDS, BillingRows
from customer_lifecycle.utils.doctypes import ALLOCATION, INVOICE, PAYMENT
from customer_lifecycle.utils.naming import reserve_names

BENCHMARK_REFERENCE = "segments-benchmark"


def main(customers: int, inserts: int, samples: int, echo=print) -> dict:
	ensure_customers(customers, echo)
	billable = billable_customers(customers)
	made = ensure_invoices(billable)
	paid = ensure_payments()
	frappe.db.commit()
	echo(
		f"{frappe.db.count(INVOICE, {'docstatus': 1})} submitted invoices ({made} made now), "
		f"{frappe.db.count(PAYMENT, {'docstatus': 1})} payments ({paid} made now)"
	)
	figures = {}

	for label in ("first run", "second run"):
		start = time.perf_counter()
		result = segments.update_segments()
		frappe.db.commit()
		seconds = time.perf_counter() - start
		echo(
			f"update_segments, {label}: {seconds:.2f} s for {result['customers']} customers, "
			f"{result['changed']} changed  (target <= 60 s)"
		)
		figures[f"segments_{label.split()[0]}_s"] = seconds

	rows = at_risk({})[1]
	ms = time_each(lambda i: at_risk({}), max(3, samples // 100))
	echo(summary(f"At-Risk Customers report, live ({len(rows)} customers at risk)", ms))
	figures.update(at_risk_p50_ms=percentile(ms, 50), at_risk_p95_ms=percentile(ms, 95))
	card = frappe.get_doc("Number Card", "At-Risk Customers")
	marked = get_result(card.as_dict(), card.filters_json)
	ms = time_each(lambda i: get_result(card.as_dict(), card.filters_json), samples)
	echo(summary(f"At-Risk number card ({marked} customers marked at risk)", ms))
	figures.update(at_risk_card_p95_ms=percentile(ms, 95))

	return figures


def ensure_payments() -> int:
	"""One submitted payment per partly paid benchmark invoice that has none yet, allocated to it;
	a third of them dated after the invoice's due date. Returns how many were made."""
	invoices = frappe.db.sql(
		f"""
		select i.name, i.customer, i.customer_name, i.posting_date, i.due_date, i.total, i.outstanding_amount
		from `tab{INVOICE}` i
		where i.docstatus = 1 and i.outstanding_amount < i.total
			and not exists (select 1 from `tab{ALLOCATION}` a where a.invoice = i.name)""",
		as_dict=True,
	)
	if not invoices:
		return 0
	rows = BillingRows()
	names = reserve_names(rows.series[PAYMENT], len(invoices))
	rng = random.Random(len(names))
	today = getdate(nowdate())
	payments, allocations = [], []
	for name, invoice in zip(names, invoices, strict=True):
		paid = invoice.total - invoice.outstanding_amount
		late = rng.random() < 1 / 3
		offset = rng.randint(1, 40) if late else -rng.randint(0, 25)
		posted = max(invoice.posting_date, min(today, getdate(add_days(invoice.due_date, offset))))
		payments.append(
			rows.payment(
				name,
				invoice.customer,
				invoice.customer_name,
				posted,
				paid,
				"Bank Transfer",
				BENCHMARK_REFERENCE,
			)
		)
		allocations.append(rows.allocation(name, invoice.name, invoice.due_date, invoice.total, paid))
	frappe.db.bulk_insert(PAYMENT, PAYMENT_FIELDS, payments)
	frappe.db.bulk_insert(ALLOCATION, ALLOCATION_FIELDS, allocations)
	return len(payments)
