"""Speed of billing: the Receivables Aging report over many invoices, the Customer 360 summary with
its billing figures, and submitting a payment allocated oldest first.

The site gets `customers` customers (benchmarks.volume), and each billable one (at most
`customers`) up to INVOICES_PER_CUSTOMER submitted invoices, bulk-inserted once with dates spread
over the last 200 days, some of them partly paid; later runs reuse them.

- Receivables Aging (all customers, by due date): p50 and p95 of execute()
- customer_summary for a customer with invoices: p50 and p95
- a Customer Payment inserted and submitted (locks, allocation over the customer's open
  invoices): p50 and p95 over `inserts` payments of 1.00 each
"""

import random

import frappe
from frappe.utils import add_days, nowdate

from customer_lifecycle.benchmarks.stats import percentile, summary, time_each
from customer_lifecycle.benchmarks.volume import billable_customers, ensure_customers
from customer_lifecycle.billing import figures as money_figures
from customer_lifecycle.billing.figures import drift, write_all
from customer_lifecycle.billing.report.receivables_aging.receivables_aging import execute as aging
from customer_lifecycle.customers.summary import customer_summary
from customer_lifecycle.demo.billing import CHILD_FIELDS, INVOICE_FIELDS, BillingRows
from customer_lifecycle.utils.doctypes import INVOICE, PAYMENT
from customer_lifecycle.utils.naming import reserve_names

INVOICES_PER_CUSTOMER = 5
ITEM_FIELDS = (*CHILD_FIELDS, "description", "qty", "rate", "amount")


AGING_SAMPLES = 5
REPORT_SAMPLES = 10


def main(customers: int, inserts: int, samples: int, echo=print) -> dict:
	ensure_customers(customers, echo)
	billable = billable_customers(customers)
	made = ensure_invoices(billable)
	if made:
		# the bulk rows skip the controllers: the customers' stored figures from the records
		write_all()
	frappe.db.commit()
	open_invoices = frappe.db.count(INVOICE, {"docstatus": 1, "outstanding_amount": (">", 0)})
	echo(f"{len(billable)} billable customers; {made} invoices made now; {open_invoices} open invoices")

	# Receivables Aging is a Prepared Report: this is its background run (the reports suite times
	# opening its result); a few runs, each reads every open invoice
	rows = aging({})[1]
	ms = time_each(lambda i: aging({}), min(samples, AGING_SAMPLES))
	echo(
		summary(f"Receivables Aging, live: the Prepared Report's background run ({len(rows)} customers)", ms)
	)
	figures = {"aging_p50_ms": percentile(ms, 50), "aging_p95_ms": percentile(ms, 95)}

	customer = billable[0].name
	customer_summary(customer)
	ms = time_each(lambda i: customer_summary(customer), samples)
	echo(summary("customer_summary with billing figures", ms, "p95 <= 50 ms"))
	figures.update(summary_p50_ms=percentile(ms, 50), summary_p95_ms=percentile(ms, 95))

	def pay(i):
		payment = frappe.get_doc(
			{
				"doctype": PAYMENT,
				"customer": customer,
				"amount": 1,
				"method": "Cash",
				"allocate_oldest_first": 1,
			}
		).insert()
		payment.submit()
		frappe.db.commit()

	# the cost of keeping the customer's figures: the same payments with and without it, interleaved
	with_figures, without = [], []
	real = money_figures.payment_submitted
	for _round in range(4):
		with_figures += time_each(pay, max(1, inserts // 8))
		money_figures.payment_submitted = lambda payment: None
		try:
			without += time_each(pay, max(1, inserts // 8))
		finally:
			money_figures.payment_submitted = real
	echo(summary("Customer Payment insert + submit, the customer's figures kept", with_figures))
	echo(summary("  the same without updating the figures (as before they existed)", without))
	cost = percentile(with_figures, 95) / percentile(without, 95)
	echo(f"  payment submit p95 with figures / without: {cost:.2f} (target <= 1.10)")
	figures.update(
		payment_p50_ms=percentile(with_figures, 50),
		payment_p95_ms=percentile(with_figures, 95),
		payment_figures_cost=cost,
	)
	# the payments made without the figures left this customer's stale: put them right, then check
	# that every other customer's figures still match their records
	money_figures.refresh(customer)
	frappe.db.commit()
	money_drift = drift()
	echo(f"Stored figures that differ from the records afterwards: {len(money_drift)}")
	figures.update(sorted_list_latency(samples, echo))
	figures.update(live_report_latency(echo))
	return figures


def sorted_list_latency(samples: int, echo) -> dict:
	"""The desk list of customers sorted by what they owe and by what they spent (the default filter
	on archived), as the list view asks for a page of 20."""
	from customer_lifecycle.benchmarks.foundation import list_latency

	out = {}
	for field in ("balance", "total_invoiced"):
		out.update(
			list_latency(
				samples, echo, order_by=f"`tabCustomer`.`{field}` desc", key=f"list_by_{field}", states=False
			)
		)
	return out


def live_report_latency(echo) -> dict:
	"""Customer Lifetime Value and At-Risk Customers with their default filters, live."""
	from frappe.desk.query_report import run

	out = {}
	for title in ("Customer Lifetime Value", "At-Risk Customers"):
		run(title, {}, ignore_prepared_report=True)
		ms = time_each(lambda i, title=title: run(title, {}, ignore_prepared_report=True), REPORT_SAMPLES)
		echo(summary(f"{title}, live with its default filters", ms, "p95 <= 1000 ms"))
		out[f"{frappe.scrub(title)}_p95_ms"] = percentile(ms, 95)
	return out


def ensure_invoices(billable: list) -> int:
	"""Bulk-insert submitted invoices (one row each) until every customer has INVOICES_PER_CUSTOMER."""
	have = dict(
		frappe.get_all(
			INVOICE,
			filters={"customer": ("in", [c.name for c in billable]), "docstatus": 1},
			fields=["customer", "count(name)"],
			group_by="customer",
			as_list=True,
		)
	)
	wanted = [c for c in billable for _i in range(INVOICES_PER_CUSTOMER - have.get(c.name, 0))]
	if not wanted:
		return 0
	rows = BillingRows()
	names = reserve_names(rows.series[INVOICE], len(wanted))
	rng = random.Random(len(names))
	today = nowdate()
	invoices, items = [], []
	for name, customer in zip(names, wanted, strict=True):
		posted = add_days(today, -rng.randint(0, 200))
		due = add_days(posted, 30)
		total = rng.randint(1, 200) * 10.0
		outstanding = total if rng.random() < 0.7 else total / 2
		status = "Overdue" if due < today else ("Unpaid" if outstanding == total else "Partly Paid")
		invoices.append(
			rows.invoice(name, customer.name, customer.customer_name, posted, due, status, total, outstanding)
		)
		items.append((*rows.child(name, INVOICE, "items"), "Benchmark work", 1, total, total))
	frappe.db.bulk_insert(INVOICE, INVOICE_FIELDS, invoices)
	frappe.db.bulk_insert("Customer Invoice Item", ITEM_FIELDS, items)
	return len(invoices)
