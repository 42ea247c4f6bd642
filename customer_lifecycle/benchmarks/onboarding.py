"""Onboarding checklists' speed figures.

- starting onboarding (the workflow action, which now also makes the round's checklist): p50, p95
- ticking an item through the API: an ordinary tick, and the last required one (which moves the
  customer on through the workflow): p50, p95
- the daily overdue job over every running round of the site (rolled back: nobody is notified)
"""

import time

import frappe
from frappe.utils import add_days, nowdate

from customer_lifecycle.api.lifecycle import apply_action
from customer_lifecycle.benchmarks.stats import percentile, summary, time_each
from customer_lifecycle.lifecycle.engine import (
	CUSTOMER,
	STATE_FIELD,
	get_settings,
	get_workflow,
	initial_state,
)
from customer_lifecycle.onboarding import checklists
from customer_lifecycle.utils.doctypes import CHECKLIST


def main(customers: int, inserts: int, samples: int, echo=print) -> dict:
	frappe.set_user("Administrator")
	workflow = get_workflow()
	start_action = next(
		t.action for t in workflow.transitions if t.next_state == get_settings().onboarding_state
	)
	prospects = frappe.get_all(
		CUSTOMER,
		filters={STATE_FIELD: initial_state(workflow), "archived": 0},
		order_by="modified asc",
		limit=2 * samples,
		pluck="name",
	)
	for i in range(2 * samples - len(prospects)):
		doc = frappe.get_doc({"doctype": CUSTOMER, "customer_name": f"Onboarding Benchmark {i}"}).insert()
		prospects.append(doc.name)
	frappe.db.commit()
	figures = {}

	def start(i):
		apply_action(prospects[i], start_action, reason="benchmark")
		frappe.db.commit()

	ms = time_each(start, len(prospects))
	echo(summary("Start onboarding (workflow action + checklist, committed)", ms))
	figures.update(start_p50_ms=percentile(ms, 50), start_p95_ms=percentile(ms, 95))

	# the first half finish their required items; the second half stay in onboarding
	rounds = [checklists.open_round(name) for name in prospects[:samples]]
	required = {
		name: frappe.get_all(
			checklists.ITEM, filters={"parent": name, "required": 1}, order_by="idx asc", pluck="name"
		)
		for name in rounds
		if name
	}
	ordinary, completing = [], []
	for name, items in required.items():
		for item in items:
			began = time.perf_counter()
			checklists.set_item_done(name, item, True)
			frappe.db.commit()
			(completing if item == items[-1] else ordinary).append((time.perf_counter() - began) * 1000)
	if ordinary and completing:
		echo(summary("Tick an item (committed)", ordinary))
		echo(summary("Tick the last required item (moves the customer on, committed)", completing))
		figures.update(
			tick_p95_ms=percentile(ordinary, 95), completing_tick_p95_ms=percentile(completing, 95)
		)

	# every running round's items overdue, for one run of the daily job, then undone
	running = frappe.get_all(CHECKLIST, filters={"ended_on": ("is", "not set")}, pluck="name")
	if running:
		frappe.db.set_value(
			checklists.ITEM, {"parent": ("in", running), "done": 0}, "due_date", add_days(nowdate(), -1)
		)
		began = time.perf_counter()
		checklists.notify_overdue_items()
		seconds = time.perf_counter() - began
		frappe.db.rollback()
		echo(f"Daily overdue job over {len(running)} running rounds: {seconds:.2f} s")
		figures.update(overdue_rounds=len(running), overdue_job_s=seconds)
	return figures
