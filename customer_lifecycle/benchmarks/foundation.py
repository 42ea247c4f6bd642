"""The foundation's speed figures, measured on a site with many customers.

- customer insert rate through the full controller, beside a bare Frappe insert of a minimal DocType
- the desk list endpoint (frappe.desk.reportview.get) for Customer: p50 and p95
- one lifecycle transition, server side: p95

Beside each figure, what Frappe itself costs, measured in the same run (the targets are ratios to it):

- the insert floor: a minimal DocType under a two-state Workflow (every state optional, so Frappe
  makes no Workflow Action: what is left is its per-save workflow bookkeeping) plus a bare Frappe
  Contact (email, phone and a link, through Contact's own controller), which a customer saved with
  an email or phone gets;
- the transition floor: Frappe's apply_workflow on that minimal DocType;
- and like for like: the same minimal DocType under a copy of the lifecycle's own Workflow (its
  states and transitions: Frappe's per-save workflow work grows with the transitions out of a state)
  and with Frappe's audit trail on, as Customer has it (a Version per change), moved along the same
  actions from the same states as the customers measured.
"""

import time

import frappe

from customer_lifecycle.benchmarks.stats import percentile, summary, time_each
from customer_lifecycle.benchmarks.volume import ensure_customers
from customer_lifecycle.customers.contacts import GRAVATAR_SKIP
from customer_lifecycle.demo.customers import FakeCustomers
from customer_lifecycle.lifecycle.engine import get_transitions, get_workflow
from customer_lifecycle.utils.doctypes import CUSTOMER

MINIMAL = "CL Benchmark Minimal"
WORKFLOWED = "CL Benchmark Workflowed"
# the minimal DocType under a copy of the lifecycle's own Workflow, with track changes, as Customer
LIKE_FOR_LIKE = "CL Benchmark Lifecycle Copy"
BENCH_USER = "cl.benchmark.user@example.com"
ROUNDS = 10


def main(customers: int, inserts: int, samples: int, echo=print) -> dict:
	total = ensure_customers(customers, echo)
	figures = {"customers": total}
	figures.update(insert_rates(inserts, echo))
	figures.update(list_latency(samples, echo))
	figures.update(transition_latency(samples, echo))
	return figures


def ensure_minimal_doctype(name: str = MINIMAL, fields: tuple[dict, ...] = (), track_changes: int = 0):
	if not frappe.db.exists("DocType", name):
		frappe.get_doc(
			{
				"doctype": "DocType",
				"name": name,
				"module": "Customers",
				"custom": 1,
				"autoname": "hash",
				"track_changes": track_changes,
				"fields": [{"fieldname": "title", "fieldtype": "Data", "label": "Title"}, *fields],
				"permissions": [{"role": "System Manager", "read": 1, "write": 1, "create": 1}],
			}
		).insert()
		frappe.db.commit()


def ensure_workflowed_doctype():
	"""The minimal DocType with a two-state Workflow shaped like the lifecycle's."""
	ensure_minimal_doctype(
		WORKFLOWED,
		({"fieldname": "state", "fieldtype": "Link", "options": "Workflow State", "label": "State"},),
	)
	if frappe.db.exists("Workflow", WORKFLOWED):
		return
	lifecycle = get_workflow()
	first = lifecycle.transitions[0]
	frappe.get_doc(
		{
			"doctype": "Workflow",
			"workflow_name": WORKFLOWED,
			"document_type": WORKFLOWED,
			"workflow_state_field": "state",
			"is_active": 1,
			"send_email_alert": 0,
			"states": [
				{"state": state, "doc_status": "0", "allow_edit": "System Manager", "is_optional_state": 1}
				for state in (first.state, first.next_state)
			],
			"transitions": [
				{
					"state": first.state,
					"action": first.action,
					"next_state": first.next_state,
					"allowed": "System Manager",
					"allow_self_approval": 1,
				}
			],
		}
	).insert()
	frappe.db.commit()


def ensure_lifecycle_copy():
	"""The minimal DocType under a copy of the lifecycle Workflow (states and transitions, roles and
	conditions as they are), with Frappe's track changes on."""
	ensure_minimal_doctype(
		LIKE_FOR_LIKE,
		({"fieldname": "state", "fieldtype": "Link", "options": "Workflow State", "label": "State"},),
		track_changes=1,
	)
	if frappe.db.exists("Workflow", LIKE_FOR_LIKE):
		return
	lifecycle = get_workflow()
	copy = frappe.copy_doc(lifecycle)
	copy.update(
		{
			"workflow_name": LIKE_FOR_LIKE,
			"document_type": LIKE_FOR_LIKE,
			"workflow_state_field": "state",
			"is_active": 1,
		}
	)
	copy.insert()
	frappe.db.commit()


def bare_contact(row: dict, customer: str) -> str:
	"""A Contact as Frappe's controller makes it, linked to an existing customer (the app's Contact
	hooks stand aside, as they do for a customer's own primary Contact)."""
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": row["customer_name"],
			"email_ids": [{"email_id": row["email"], "is_primary": 1}] if row["email"] else [],
			"phone_nos": [{"phone": row["phone"], "is_primary_phone": 1}] if row["phone"] else [],
			"links": [{"link_doctype": CUSTOMER, "link_name": customer, "link_title": customer}],
			"image": GRAVATAR_SKIP,
		}
	)
	contact.flags.from_customer = True
	return contact.insert().name


def insert_rates(count: int, echo) -> dict:
	"""Interleaved rounds of each kind of insert, committed per round."""
	ensure_minimal_doctype()
	ensure_workflowed_doctype()
	ensure_lifecycle_copy()
	run = int(time.time())  # a fresh run's emails never match an earlier run's customers
	fake = FakeCustomers(seed=run)
	data = [fake.customer([]) for _ in range(count)]
	for row in data:
		if row["email"]:
			row["email"] = row["email"].replace("@", f".r{run}@")
	some_customer = frappe.db.get_value(CUSTOMER, {}, "name")
	contacts: list[str] = []
	kinds = {
		"bare": lambda row, i: frappe.get_doc({"doctype": MINIMAL, "title": f"row {i}"}).insert(),
		"workflowed": lambda row, i: frappe.get_doc({"doctype": WORKFLOWED, "title": f"row {i}"}).insert(),
		"lifecycle_copy": lambda row, i: frappe.get_doc(
			{"doctype": LIKE_FOR_LIKE, "title": f"row {i}"}
		).insert(),
		"contact": lambda row, i: contacts.append(bare_contact(row, some_customer)),
		"customer": lambda row, i: frappe.get_doc(
			{
				"doctype": CUSTOMER,
				"customer_name": row["customer_name"],
				"email": row["email"],
				"phone": row["phone"],
			}
		).insert(),
	}
	seconds = dict.fromkeys(kinds, 0.0)
	per_round = max(1, count // ROUNDS)
	done = 0
	for r in range(ROUNDS):
		batch = data[r * per_round : (r + 1) * per_round]
		for kind, insert in kinds.items():
			start = time.perf_counter()
			for i, row in enumerate(batch):
				insert(row, done + i)
			frappe.db.commit()
			seconds[kind] += time.perf_counter() - start
		done += len(batch)
	rate = {kind: done / s for kind, s in seconds.items()}
	# Frappe's own floor for a customer: the workflowed record and its Contact, one after the other
	floor = 1 / (1 / rate["workflowed"] + 1 / rate["contact"])
	like_floor = 1 / (1 / rate["lifecycle_copy"] + 1 / rate["contact"])
	ratio = rate["customer"] / rate["bare"]
	echo(f"Bare insert ({MINIMAL}): {rate['bare']:.0f} inserts/s")
	echo(
		f"  the same under a two-state Workflow (Frappe's per-save workflow work): {rate['workflowed']:.0f} inserts/s"
	)
	echo(
		f"  the same under a copy of the lifecycle Workflow, track changes on: {rate['lifecycle_copy']:.0f} inserts/s"
	)
	echo(f"  a Frappe Contact with email, phone and link: {rate['contact']:.0f} inserts/s")
	echo(
		f"  Frappe's floor for a customer with its Contact (two-state Workflow + Contact): {floor:.0f} inserts/s"
	)
	echo(f"  the same like for like (lifecycle copy + Contact): {like_floor:.0f} inserts/s")
	echo(
		f"Customer insert (name, email, phone; full controller, its primary Contact included): {rate['customer']:.0f} inserts/s"
	)
	echo(
		f"Customer / Frappe's floor: {rate['customer'] / floor:.2f} (target >= 0.85); like for like: {rate['customer'] / like_floor:.2f}; customer / bare: {ratio:.2f}"
	)
	for doctype in (MINIMAL, WORKFLOWED, LIKE_FOR_LIKE):
		frappe.db.delete(doctype)
	frappe.db.delete("Version", {"ref_doctype": LIKE_FOR_LIKE})
	# the bare contacts leave with their rows; the customers stay, as the ones made in bulk do
	for doctype in ("Contact Email", "Contact Phone", "Dynamic Link"):
		frappe.db.delete(doctype, {"parenttype": "Contact", "parent": ("in", contacts)})
	frappe.db.delete("Contact", {"name": ("in", contacts)})
	frappe.db.commit()
	return {
		"bare_insert_rate": rate["bare"],
		"workflowed_insert_rate": rate["workflowed"],
		"lifecycle_copy_insert_rate": rate["lifecycle_copy"],
		"contact_insert_rate": rate["contact"],
		"customer_insert_rate": rate["customer"],
		"insert_ratio": ratio,
		"insert_floor_ratio": rate["customer"] / floor,
		"insert_like_for_like_ratio": rate["customer"] / like_floor,
	}


def ensure_bench_user() -> str:
	if not frappe.db.exists("User", BENCH_USER):
		user = frappe.get_doc(
			{"doctype": "User", "email": BENCH_USER, "first_name": "Benchmark", "send_welcome_email": 0}
		)
		user.append("roles", {"role": "Customer User"})
		user.insert(ignore_permissions=True)
		frappe.db.commit()
	return BENCH_USER


def list_latency(
	samples: int,
	echo,
	order_by: str = "`tabCustomer`.`modified` desc",
	key: str = "list",
	states: bool = True,
) -> dict:
	"""The desk list of customers as a Customer User sees it: not archived, one lifecycle filter (or
	none, without `states`), in `order_by` order; {key}_p50_ms and {key}_p95_ms."""
	from frappe.desk.reportview import get as reportview_get

	lifecycle = list(dict.fromkeys(s.state for s in get_workflow().states))
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
				[
					[CUSTOMER, "archived", "=", 0],
					*([[CUSTOMER, "lifecycle_status", "=", lifecycle[i % len(lifecycle)]]] if states else []),
				]
			),
			order_by=order_by,
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
	filters = "archived=0 + lifecycle filter" if states else "archived=0"
	echo(
		summary(
			f"List endpoint frappe.desk.reportview.get (20 rows, {filters}, {order_by})", ms, "p95 <= 25 ms"
		)
	)
	return {f"{key}_p50_ms": percentile(ms, 50), f"{key}_p95_ms": percentile(ms, 95)}


def transition_latency(samples: int, echo) -> dict:
	"""One lifecycle action through the app's API, committed, as a Customer Manager would apply it,
	beside Frappe's apply_workflow on the minimal DocType (its one transition) and like for like
	(the lifecycle's copy, the same action from the same state for each sample)."""
	from customer_lifecycle.lifecycle.engine import apply_action

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
	moves = [(row.lifecycle_status, by_state[row.lifecycle_status]) for row in candidates]

	def call(i):
		row = candidates[i]
		apply_action(row.name, by_state[row.lifecycle_status], reason="benchmark")
		frappe.db.commit()

	call(0)
	ms = time_each(lambda i: call(i + 1), len(candidates) - 1)
	floor = workflowed_transition_ms(len(candidates) - 1)
	like = lifecycle_copy_transition_ms(moves[1:])
	echo(summary("  Frappe's floor: apply_workflow on the minimal DocType (one transition) + commit", floor))
	echo(
		summary(
			"  like for like: apply_workflow on the lifecycle's copy (track changes on), the same moves + commit",
			like,
		)
	)
	ratio = percentile(ms, 95) / percentile(floor, 95)
	like_ratio = percentile(ms, 95) / percentile(like, 95)
	echo(summary("Lifecycle transition (apply_action + commit)", ms))
	echo(f"Transition p95 / Frappe's floor: {ratio:.2f}x (target <= 1.25x); like for like: {like_ratio:.2f}x")
	return {
		"transition_p50_ms": percentile(ms, 50),
		"transition_p95_ms": percentile(ms, 95),
		"workflowed_transition_p95_ms": percentile(floor, 95),
		"lifecycle_copy_transition_p95_ms": percentile(like, 95),
		"transition_floor_ratio": ratio,
		"transition_like_for_like_ratio": like_ratio,
	}


def lifecycle_copy_transition_ms(moves: list[tuple[str, str]]) -> list[float]:
	"""apply_workflow on records of the lifecycle's copy, each put in a move's from-state first,
	then moved by its action; committed."""
	from frappe.model.workflow import apply_workflow

	ensure_lifecycle_copy()
	docs = []
	for i, (state, _action) in enumerate(moves):
		doc = frappe.get_doc({"doctype": LIKE_FOR_LIKE, "title": f"move {i}"}).insert()
		doc.db_set("state", state, update_modified=False)
		docs.append(doc)
	frappe.db.commit()

	def call(i):
		apply_workflow(docs[i], moves[i][1])
		frappe.db.commit()

	ms = time_each(call, len(moves))
	frappe.db.delete(LIKE_FOR_LIKE)
	frappe.db.delete("Version", {"ref_doctype": LIKE_FOR_LIKE})
	frappe.db.commit()
	return ms


def workflowed_transition_ms(samples: int) -> list[float]:
	"""Frappe's own cost of one workflow action: apply_workflow on records of the workflowed minimal
	DocType, committed (its one transition, on fresh records)."""
	from frappe.model.workflow import apply_workflow

	ensure_workflowed_doctype()
	action = frappe.get_doc("Workflow", WORKFLOWED).transitions[0].action
	docs = [
		frappe.get_doc({"doctype": WORKFLOWED, "title": f"move {i}"}).insert() for i in range(samples + 1)
	]
	frappe.db.commit()

	def call(i):
		apply_workflow(docs[i], action)
		frappe.db.commit()

	call(0)
	ms = time_each(lambda i: call(i + 1), samples)
	frappe.db.delete(WORKFLOWED)
	frappe.db.commit()
	return ms
