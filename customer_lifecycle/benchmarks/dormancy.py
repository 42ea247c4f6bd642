"""Speed of the daily dormancy job (lifecycle.dormancy) on `customers` customers with their billing
history.

Data: the reports suite's billing history (benchmarks.reports.ensure_history: ten submitted
invoices per customer over the last two years, nine in ten paid), bulk-inserted once and reused.

- the candidate query (dormancy.candidates, one SQL of index probes): p50 and p95
- the job as the scheduler runs it (dormancy.run: the query, then one workflow move per candidate,
  committed in chunks), timed end to end, then a second run, which must move nobody (target: each
  <= 60 s).

The job commits, as the scheduler's does: the site's customers are moved as they would be tonight,
and a later run of the suite measures a site the job has already run on (tonight's candidates only).
The first run's time follows the number of candidates: each move is a save of the Customer through
the workflow (its hooks, the change log, Frappe's workflow actions), tens of milliseconds, so the
figure is printed with the candidates and the mean time per move.
"""

import time

import frappe
from frappe.utils import getdate, nowdate

from customer_lifecycle.benchmarks.reports import ensure_history
from customer_lifecycle.benchmarks.stats import percentile, summary, time_each
from customer_lifecycle.benchmarks.volume import ensure_customers
from customer_lifecycle.lifecycle import dormancy
from customer_lifecycle.lifecycle.engine import get_settings


def main(customers: int, inserts: int, samples: int, echo=print) -> dict:
	ensure_customers(customers, echo)
	everyone = frappe.get_all("Customer", fields=["name", "customer_name"], order_by="name", limit=customers)
	made = ensure_history(everyone, echo)
	echo(f"{len(everyone)} customers with billing history ({made} invoices made now)")

	settings, today = get_settings(), getdate(nowdate())
	found = dormancy.candidates(settings, today)
	ms = time_each(lambda i: dormancy.candidates(settings, today), max(3, samples // 100))
	by_target = {target: sum(1 for _c, t in found if t == target) for target in {t for _c, t in found}}
	echo(summary(f"dormancy candidate query ({len(found)} candidates: {by_target})", ms))
	figures = {"query_p50_ms": percentile(ms, 50), "query_p95_ms": percentile(ms, 95)}

	for label in ("first run", "second run"):
		start = time.perf_counter()
		result = dormancy.run()
		frappe.db.commit()
		seconds = time.perf_counter() - start
		moved = sum(len(names) for names in result["moved"].values())
		per_move = f", {seconds / moved * 1000:.0f} ms per move" if moved else ""
		echo(
			f"dormancy job, {label}: {seconds:.2f} s, {moved} moved, {len(result['refused'])} refused"
			f"{per_move}  (target <= 60 s)"
		)
		figures[f"job_{label.split()[0]}_s"] = seconds
		figures[f"job_{label.split()[0]}_moved"] = moved
	if figures["job_second_moved"]:
		echo("  the second run moved customers: the job is not idempotent")
	return figures
