"""Concurrency soak (issue 18 §6): eight people at once, for a minute, against the served site over
HTTP, each doing at random what the desk does: payments against the same few customers, invoices
that draw from the retainer (and deposits that fill it), checklist ticks, edits of the same
customers from forms opened a moment before (stale), lifecycle actions, and merges of two customers
while the others edit and pay them.

Afterwards every invariant of tests/invariants.py holds over the soak's customers, no response was
a deadlock or a server error (the database may pick deadlock victims; the user never sees one), and
the soak really ran at once: requests were in flight together, the site's connections ran queries
together and waited on each other's row locks (seen in the database, not inferred from times). The
operations done, the conflicts seen (a stale form refused, an action no longer allowed, a customer
merged away) and the invariants checked are printed and kept in CL_ARTIFACTS/soak.json.
"""

import json
import os
import random
import threading
import time
from collections import Counter
from pathlib import Path

import frappe
import pymysql
import pytest
import requests
from frappe.utils import add_days, nowdate
from frappe.utils.password import update_password

from tests import invariants
from tests.conftest import require_env
from tests.factories import delete_customer, make_active_customer, make_customer, make_invoice, make_payment
from tests.helpers import PASSWORD

USERS = 8
SECONDS = float(os.environ.get("CL_SOAK_SECONDS", 60))
SOAK_USERS = [f"cl.soak{i}@example.com" for i in range(USERS)]
# responses a user must never get: a deadlock, a lock wait timeout, any server error
NEVER = {"QueryDeadlockError", "QueryTimeoutError", "InternalError", "OperationalError"}
# refusals that are the answer to a real conflict between two people's work
CONFLICTS = {
	"TimestampMismatchError": "saved from a form opened before another change",
	"DoesNotExistError": "the customer was merged away",
	"WorkflowTransitionError": "the action is no longer allowed in the customer's state",
	"WorkflowPermissionError": "the action is no longer allowed in the customer's state",
	"NotBillableError": "the customer left the states that may be billed",
	"OverAllocationError": "the invoice was paid meanwhile",
	"LinkValidationError": "the customer was merged away",
}


def ensure_users():
	for email in SOAK_USERS:
		if not frappe.db.exists("User", email):
			user = frappe.get_doc(
				{
					"doctype": "User",
					"email": email,
					"first_name": email.split("@")[0],
					"send_welcome_email": 0,
				}
			)
			user.insert(ignore_permissions=True)
			user.add_roles("Customer Manager")
		update_password(email, PASSWORD)
	frappe.db.commit()


@pytest.fixture(scope="module")
def world(site):
	"""The soak's customers, committed: a few hot ones with invoices and a retainer (payments and
	draws), pairs to merge (edited and paid meanwhile), and prospects to onboard (lifecycle actions,
	checklist ticks). Deleted afterwards with everything they gathered."""
	ensure_users()
	made = []

	def keep(customer):
		made.append(customer.name)
		return customer.name

	hot = [keep(make_active_customer()) for _ in range(4)]
	for customer in hot:
		for days in (40, 25, 10):
			make_invoice(customer, items=((1, random.choice((120, 180, 250))),), days_ago=days)
		make_payment(customer, 400, is_retainer_deposit=1)
	pairs = []
	for _ in range(3):
		pair = [keep(make_active_customer()) for _ in range(2)]
		for customer in pair:
			make_invoice(customer, items=((1, 90),), days_ago=15)
		pairs.append(pair)
	prospects = [keep(make_customer()) for _ in range(6)]
	frappe.db.commit()
	yield frappe._dict(hot=hot, pairs=pairs, prospects=prospects, made=made)
	frappe.db.rollback()
	for name in made:
		delete_customer(name)


class User:
	"""One person at the desk: a session of their own, doing one thing after another at random."""

	def __init__(self, soak, email: str, seed: int):
		self.soak, self.rng = soak, random.Random(seed)
		self.http = requests.Session()
		self.http.headers["Accept"] = "application/json"
		r = self.http.post(f"{soak.url}/api/method/login", data={"usr": email, "pwd": PASSWORD}, timeout=30)
		assert r.status_code == 200, r.text

	def call(self, kind: str, method: str, path: str, **kwargs) -> dict | None:
		"""One request; its outcome is counted under `kind` (ok, a conflict's name, or what went wrong)."""
		started = time.monotonic()
		try:
			r = self.http.request(method, f"{self.soak.url}{path}", timeout=120, **kwargs)
		finally:
			self.soak.spans.append((started, time.monotonic()))
		body = r.json() if r.headers.get("content-type", "").startswith("application/json") else {}
		if r.status_code == 200:
			self.soak.count(kind, "ok")
			return body.get("message", body.get("data"))
		outcome = body.get("exc_type") or f"HTTP {r.status_code}"
		if r.status_code >= 500 or outcome in NEVER or outcome not in CONFLICTS:
			self.soak.failures.append((kind, r.status_code, outcome, r.text[-1500:]))
		self.soak.count(kind, outcome)
		return None

	def post(self, kind: str, method: str, **data):
		return self.call(kind, "POST", f"/api/method/{method}", data=data)

	def get(self, kind: str, method: str, **params):
		return self.call(kind, "GET", f"/api/method/{method}", params=params)

	def work(self) -> None:
		actions = [
			(self.pay, 3),
			(self.draw, 2),
			(self.deposit, 1),
			(self.tick, 3),
			(self.edit, 3),
			(self.act, 3),
			(self.merge, 1),
		]
		while time.monotonic() < self.soak.until:
			action = self.rng.choices([a for a, _w in actions], weights=[w for _a, w in actions])[0]
			action()

	# --- what people do ------------------------------------------------------------------------

	def some(self, names):
		live = [n for n in names if n not in self.soak.merged]
		return self.rng.choice(live or names)

	def money_customer(self):
		return self.some(self.soak.world.hot + [c for pair in self.soak.world.pairs for c in pair])

	def pay(self):
		self.post(
			"payment",
			"customer_lifecycle.api.billing.record_payment",
			customer=self.money_customer(),
			amount=self.rng.choice((25, 40, 75, 110)),
		)

	def deposit(self):
		self.post(
			"retainer deposit",
			"customer_lifecycle.api.billing.record_payment",
			customer=self.some(self.soak.world.hot),
			amount=150,
			is_retainer_deposit=1,
		)

	def draw(self):
		"""A new invoice paid from the retainer: saved, then submitted, as the desk's form does."""
		customer = self.some(self.soak.world.hot)
		doc = self.call(
			"retainer draw",
			"POST",
			"/api/resource/Customer Invoice",
			json={
				"customer": customer,
				"posting_date": self.soak.today,
				"due_date": self.soak.due,
				"draw_from_retainer": 1,
				"items": [{"description": "Soak work", "qty": 1, "rate": self.rng.choice((30, 60, 90))}],
			},
		)
		if doc:
			self.post("retainer draw", "frappe.desk.form.save.savedocs", doc=json.dumps(doc), action="Submit")

	def tick(self):
		customer = self.some(self.soak.world.prospects + [c for pair in self.soak.world.pairs for c in pair])
		form = self.get(
			"checklist tick", "customer_lifecycle.api.onboarding.get_onboarding", customer=customer
		)
		current = form and form.get("current")
		if not current:
			return
		item = self.rng.choice(current["items"])
		self.post(
			"checklist tick",
			"customer_lifecycle.api.onboarding.set_item_done",
			checklist=current["name"],
			item=item["name"],
			done=int(self.rng.random() < 0.8),
		)

	def edit(self):
		"""Open a customer's form, think a moment (others save meanwhile), save a change."""
		customer = self.some(self.soak.all_customers)
		doc = self.call("stale edit", "GET", f"/api/resource/Customer/{customer}")
		if not doc:
			return
		time.sleep(self.rng.uniform(0, 0.4))
		doc["notes"] = f"edited by {id(self)} at {time.time():.3f}"
		self.post("stale edit", "frappe.desk.form.save.savedocs", doc=json.dumps(doc), action="Save")

	def act(self):
		customer = self.some(self.soak.world.prospects + [c for pair in self.soak.world.pairs for c in pair])
		actions = self.get(
			"lifecycle action", "customer_lifecycle.api.lifecycle.get_actions", customer=customer
		)
		allowed = [a["action"] for a in actions or [] if a["action"] not in ("Anonymize",)]
		if allowed:
			self.post(
				"lifecycle action",
				"customer_lifecycle.api.lifecycle.apply_action",
				customer=customer,
				action=self.rng.choice(allowed),
				reason="soak",
			)

	def merge(self):
		"""Merge the second customer of a pair into the first, once, while the others work on both."""
		with self.soak.lock:
			pairs = [p for p in self.soak.world.pairs if p[1] not in self.soak.merging]
			if not pairs or time.monotonic() < self.soak.started + 5:
				return
			survivor, duplicate = self.rng.choice(pairs)
			self.soak.merging.add(duplicate)
		if self.post("merge", "customer_lifecycle.api.merge.merge", customer=duplicate, into=survivor):
			self.soak.merged.add(duplicate)
			self.soak.lines[survivor] = self.soak.lines.get(survivor, 1) + 1


class Soak:
	def __init__(self, world, url: str):
		self.world, self.url = world, url
		self.all_customers = list(world.made)
		self.lock = threading.Lock()
		self.outcomes: Counter = Counter()
		self.failures: list = []
		self.spans: list[tuple[float, float]] = []
		self.merging, self.merged, self.lines = set(), set(), {}
		self.started = self.until = 0.0
		self.today, self.due = nowdate(), add_days(nowdate(), 30)

	def count(self, kind: str, outcome: str) -> None:
		with self.lock:
			self.outcomes[(kind, outcome)] += 1

	def most_in_flight(self) -> int:
		events = sorted([(s, 1) for s, _e in self.spans] + [(e, -1) for _s, e in self.spans])
		level = most = 0
		for _t, step in events:
			level += step
			most = max(most, level)
		return most


class Watcher(threading.Thread):
	"""Samples the database while the soak runs, on a connection of its own (as root: only the
	PROCESS privilege shows InnoDB's transactions): how many of the site's connections run a query
	at the same moment, and how many of them wait for another's row lock."""

	def __init__(self):
		super().__init__(daemon=True)
		self.stop = threading.Event()
		self.database = frappe.conf.db_name
		self.connection = dict(
			host=frappe.conf.db_host,
			port=int(frappe.conf.db_port),
			user="root",
			password=require_env("CL_DB_ROOT_PASSWORD"),
		)
		self.most_running = self.lock_waits = self.samples = 0

	def run(self):
		connection = pymysql.connect(**self.connection, autocommit=True)
		try:
			with connection.cursor() as cursor:
				while not self.stop.is_set():
					cursor.execute(
						"""select count(*), coalesce(sum(t.trx_state = 'LOCK WAIT'), 0)
						from information_schema.processlist p
						left join information_schema.innodb_trx t on t.trx_mysql_thread_id = p.id
						where p.db = %s and p.command = 'Query'""",
						self.database,
					)
					running, waiting = cursor.fetchone()
					self.most_running = max(self.most_running, int(running))
					self.lock_waits += int(waiting)
					self.samples += 1
					time.sleep(0.02)
		finally:
			connection.close()


def test_eight_people_at_once_for_a_minute(site, world, base_url):
	soak = Soak(world, base_url)
	users = [User(soak, email, seed) for seed, email in enumerate(SOAK_USERS)]
	watcher = Watcher()
	watcher.start()
	soak.started = time.monotonic()
	soak.until = soak.started + SECONDS
	threads = [threading.Thread(target=user.work) for user in users]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join(SECONDS + 300)
	watcher.stop.set()
	watcher.join(30)

	frappe.db.rollback()  # this connection's snapshot predates the soak
	live = [name for name in world.made if name not in soak.merged]
	checked = invariants.check(live, soak.lines)
	report = {
		"seconds": SECONDS,
		"users": USERS,
		"operations": sum(n for (kind, outcome), n in soak.outcomes.items()),
		"by kind": {
			kind: {o: n for (k, o), n in sorted(soak.outcomes.items()) if k == kind}
			for kind in sorted({k for k, _o in soak.outcomes})
		},
		"conflicts": dict(
			sum((Counter({o: n}) for (_k, o), n in soak.outcomes.items() if o in CONFLICTS), Counter())
		),
		"merges": len(soak.merged),
		"most requests in flight": soak.most_in_flight(),
		"most queries running at once": watcher.most_running,
		"lock waits seen": watcher.lock_waits,
		"database samples": watcher.samples,
		"invariants checked on": checked.counts(),
		"breaches": checked.breaches,
		"failures": soak.failures[:20],
	}
	print(json.dumps(report, indent=1))
	if os.environ.get("CL_ARTIFACTS"):
		Path(os.environ["CL_ARTIFACTS"]).mkdir(parents=True, exist_ok=True)
		Path(os.environ["CL_ARTIFACTS"], "soak.json").write_text(json.dumps(report, indent=1))

	# it ran at once: requests in flight together, queries running together, row locks waited for
	assert report["most requests in flight"] >= USERS // 2, report
	assert watcher.most_running >= 2 and watcher.lock_waits > 0, report
	# every kind of work was done, and done often
	for kind in ("payment", "retainer draw", "checklist tick", "stale edit", "lifecycle action"):
		assert soak.outcomes[(kind, "ok")] >= 5, (kind, report)
	assert soak.merged, report
	# no deadlock, lock timeout or server error reached a user
	assert not soak.failures, report
	# and the records are whole
	assert not checked.breaches, report
	assert checked.invoices and checked.payments and checked.changes and checked.rounds, report
