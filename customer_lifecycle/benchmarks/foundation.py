"""The foundation's speed figures, measured on a site with many customers.

- customer insert rate through the full controller, beside a bare Frappe insert of a minimal DocType
- the desk list endpoint (frappe.desk.reportview.get) for Customer: p50 and p95
- one lifecycle transition, server side: p95
"""

import time

import frappe

from customer_lifecycle.benchmarks.stats import percentile, summary, time_each
from customer_lifecycle.benchmarks.volume import ensure_customers
from customer_lifecycle.demo import FakeCustomers
from customer_lifecycle.lifecycle.engine import CUSTOMER, get_transitions, get_workflow

MINIMAL = "CL Benchmark Minimal"
BENCH_USER = "cl.benchmark.user@example.com"
ROUNDS = 10


def main(customers: int, inserts: int, samples: int, echo=print) -> dict:
	total = ensure_customers(customers, echo)
	figures = {"customers": total}
	figures.update(insert_rates(inserts, echo))
	figures.update(list_latency(samples, echo))
	figures.update(transition_latency(samples, echo))
	return figures


def ensure_minimal_doctype():
	if not frappe.db.exists("DocType", MINIMAL):
		frappe.get_doc(
			{
				"doctype": "DocType",
				"name": MINIMAL,
				"module": "Customers",
				"custom": 1,
				"autoname": "hash",
				"fields": [{"fieldname": "title", "fieldtype": "Data", "label": "Title"}],
				"permissions": [{"role": "System Manager", "read": 1, "write": 1, "create": 1}],
			}
		).insert()
		frappe.db.commit()


def insert_rates(count: int, echo) -> dict:
	"""Interleaved rounds of bare inserts and customer inserts, committed per round."""
	ensure_minimal_doctype()
	run = int(time.time())  # a fresh run's emails never match an earlier run's customers
	fake = FakeCustomers(seed=run)
	data = [fake.customer([]) for _ in range(count)]
	for row in data:
		if row["email"]:
			row["email"] = row["email"].replace("@", f".r{run}@")
	per_round = max(1, count // ROUNDS)
	bare_s = customer_s = 0.0
	done = 0
	for r in range(ROUNDS):
		batch = data[r * per_round : (r + 1) * per_round]
		start = time.perf_counter()
		for i in range(len(batch)):
			frappe.get_doc({"doctype": MINIMAL, "title": f"row {r}-{i}"}).insert()
		frappe.db.commit()
		bare_s += time.perf_counter() - start
		start = time.perf_counter()
		for row in batch:
			frappe.get_doc(
				{"doctype": CUSTOMER, "customer_name": row["customer_name"], "email": row["email"], "phone": row["phone"]}
			).insert()
		frappe.db.commit()
		customer_s += time.perf_counter() - start
		done += len(batch)
	bare_rate, customer_rate = done / bare_s, done / customer_s
	ratio = customer_rate / bare_rate
	echo(f"Bare insert ({MINIMAL}): {bare_rate:.0f} inserts/s")
	echo(f"Customer insert (name, email, phone; full controller, its primary Contact included): {customer_rate:.0f} inserts/s")
	echo(f"Customer / bare ratio: {ratio:.2f}  (targets: >= 0.8 for the customer, >= 0.4 with its Contact)")
	frappe.db.delete(MINIMAL)
	frappe.db.commit()
	return {"bare_insert_rate": bare_rate, "customer_insert_rate": customer_rate, "insert_ratio": ratio}


def ensure_bench_user() -> str:
	if not frappe.db.exists("User", BENCH_USER):
		user = frappe.get_doc(
			{"doctype": "User", "email": BENCH_USER, "first_name": "Benchmark", "send_welcome_email": 0}
		)
		user.append("roles", {"role": "Customer User"})
		user.insert(ignore_permissions=True)
		frappe.db.commit()
	return BENCH_USER


def list_latency(samples: int, echo) -> dict:
	"""The desk list of customers as a Customer User sees it: not archived, one lifecycle filter."""
	from frappe.desk.reportview import get as reportview_get

	states = list(dict.fromkeys(s.state for s in get_workflow().states))
	fields = [
		"`tabCustomer`.`name`",
		"`tabCustomer`.`owner`",
		"`tabCustomer`.`creation`",
		"`tabCustomer`.`modified`",
		"`tabCustomer`.`modified_by`",
		"`tabCustomer`.`_user_tags`",
		"`tabCustomer`.`_comments`",
		"`tabCustomer`.`_assign`",
		"`tabCustomer`.`_liked_by`",
		"`tabCustomer`.`docstatus`",
		"`tabCustomer`.`idx`",
		"`tabCustomer`.`customer_name`",
		"`tabCustomer`.`customer_type`",
		"`tabCustomer`.`lifecycle_status`",
		"`tabCustomer`.`archived`",
	]
	frappe.set_user(ensure_bench_user())

	def call(i):
		frappe.local.form_dict = frappe._dict(
			doctype=CUSTOMER,
			fields=frappe.as_json(fields),
			filters=frappe.as_json(
				[[CUSTOMER, "archived", "=", 0], [CUSTOMER, "lifecycle_status", "=", states[i % len(states)]]]
			),
			order_by="`tabCustomer`.`modified` desc",
			start=0,
			page_length=20,
			view="List",
			group_by="",
			with_comment_count=1,
		)
		result = reportview_get()
		assert result["values"] is not None

	call(0)  # warm caches, as a running server has them
	ms = time_each(call, samples)
	frappe.set_user("Administrator")
	echo(summary("List endpoint frappe.desk.reportview.get (20 rows, archived=0 + lifecycle filter)", ms, "p95 <= 25 ms"))
	return {"list_p50_ms": percentile(ms, 50), "list_p95_ms": percentile(ms, 95)}


def transition_latency(samples: int, echo) -> dict:
	"""One lifecycle action through the app's API, committed, as a Customer Manager would apply it."""
	from customer_lifecycle.api.lifecycle import apply_action

	workflow = get_workflow()
	by_state: dict[str, str] = {}
	for t in get_transitions(workflow):
		by_state.setdefault(t.state, t.action)
	candidates = frappe.get_all(
		CUSTOMER,
		filters={"lifecycle_status": ["in", list(by_state)], "archived": 0},
		fields=["name", "lifecycle_status"],
		order_by="modified asc",
		limit=samples + 1,
	)
	if len(candidates) < 2:
		echo("Transition: not enough customers with an action to apply")
		return {}

	def call(i):
		row = candidates[i]
		apply_action(row.name, by_state[row.lifecycle_status], reason="benchmark")
		frappe.db.commit()

	call(0)
	ms = time_each(lambda i: call(i + 1), len(candidates) - 1)
	echo(summary("Lifecycle transition (apply_action + commit)", ms, "p95 <= 20 ms"))
	return {"transition_p50_ms": percentile(ms, 50), "transition_p95_ms": percentile(ms, 95)}
