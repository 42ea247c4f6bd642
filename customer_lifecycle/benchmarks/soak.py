"""Concurrency soak (issue 18 §6): eight people at once against the served site over HTTP, each doing
at random what the desk does: payments against the same few customers, invoices that draw from the
retainer (and deposits that fill it), checklist ticks, edits of the same customers from forms opened
a moment before (stale), lifecycle actions, and merges of two customers while the others edit and
pay them.

Afterwards every invariant (benchmarks/invariants.py) is checked over the soak's customers. The
report gives the operations done by kind and outcome, the conflicts seen (a stale form refused, an
action no longer allowed, a customer merged away), the deadlocks the server retried (utils/deadlocks:
none reaches a user), whether it really ran at once (requests in flight together; the site's queries
running together and waiting for each other's row locks, sampled from the database) and what
the invariants were checked on. The `soak` benchmark suite runs it for a minute and prints the
latencies beside Frappe's own /api/method/ping, asked by the same eight users in the same run; the
integration test runs it for a few seconds and checks only the outcomes.
"""

import json
import os
import random
import threading
import time
from collections import Counter
from urllib.parse import urlparse

import frappe
import pymysql
import requests
from frappe.utils import add_days, nowdate

from customer_lifecycle.benchmarks.cleanup import delete_customer
from customer_lifecycle.benchmarks.invariants import check
from customer_lifecycle.benchmarks.stats import summary
from customer_lifecycle.demo.staff import ensure_user
from customer_lifecycle.lifecycle.engine import apply_action, get_settings
from customer_lifecycle.utils import deadlocks
from customer_lifecycle.utils.doctypes import CUSTOMER, INVOICE, MANAGER_ROLE, PAYMENT

USERS = 8
SECONDS = 60
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
KINDS = ("payment", "retainer draw", "checklist tick", "stale edit", "lifecycle action")


def main(customers: int, inserts: int, samples: int, echo=print) -> dict:
	"""The benchmark suite: Frappe's ping by eight users for 10 s, then the soak for SECONDS."""
	url, host = served()
	password = ensure_users()
	world = make_world()
	try:
		floor = ping(url, host, password, seconds=10)
		report = run(world, url, SECONDS, password, host)
	finally:
		remove_world(world)
	echo(f"Served at {url}; {USERS} users at once, no waits")
	echo(summary("Frappe's /api/method/ping (the floor)", floor["ms"]) + f", {floor['rate']:.0f}/s")
	for kind, ms in sorted(report.pop("ms").items()):
		echo(summary(f"Soak {kind}", ms))
	echo(
		f"Soak: {report['operations']} operations in {report['seconds']:.0f} s "
		f"({report['operations'] / report['seconds']:.1f}/s), {sum(report['conflicts'].values())} "
		f"conflicts {report['conflicts']}, {report['deadlocks retried']} deadlocks retried, "
		f"{report['merges']} merges, {len(report['failures'])} failures"
	)
	echo(
		f"At once: {report['most requests in flight']} requests in flight, "
		f"{report['most queries running at once']} queries running, "
		f"{report['lock waits seen']} lock waits in {report['database samples']} samples"
	)
	echo(f"Invariants checked on {report['invariants checked on']}: {len(report['breaches'])} breaches")
	for breach in report["breaches"][:20]:
		echo(f"  {breach}")
	return report


def served() -> tuple[str, str | None]:
	"""The served site's URL (CL_BASE_URL, else this site on the bench's web port) and the Host
	header that names the site to a bench serving several."""
	url = os.environ.get("CL_BASE_URL") or f"http://127.0.0.1:{frappe.conf.webserver_port or 8000}"
	host = urlparse(url).hostname
	return url.rstrip("/"), frappe.local.site if host in ("127.0.0.1", "localhost") else None


def ensure_users() -> str:
	"""The soak's Customer Managers, with a password of this run; returns it."""
	password = f"Soak-{frappe.generate_hash(length=16)}-1"
	for email in SOAK_USERS:
		ensure_user(email, (MANAGER_ROLE,), password)
	frappe.db.commit()
	return password


def make_world() -> frappe._dict:
	"""The soak's customers, committed, made through the app's controllers: four hot ones with three
	invoices and a retainer (payments and draws), three pairs to merge (edited and paid meanwhile),
	six prospects to onboard (lifecycle actions, checklist ticks)."""
	tag = frappe.generate_hash(length=6)
	made = []

	def customer(label: str, active: bool) -> str:
		doc = frappe.get_doc(
			{
				"doctype": CUSTOMER,
				"customer_name": f"Soak {label} {tag} {len(made)}",
				"email": f"soak.{tag}.{len(made)}@example.org",
			}
		).insert()
		made.append(doc.name)
		if active:
			apply_action(doc.name, "Start Onboarding")
			apply_action(doc.name, "Activate")
			assert frappe.db.get_value(CUSTOMER, doc.name, "lifecycle_status") == get_settings().active_state
		return doc.name

	rng = random.Random(tag)
	hot = [customer("hot", True) for _ in range(4)]
	for name in hot:
		for days in (40, 25, 10):
			invoice(name, rng.choice((120, 180, 250)), days)
		frappe.get_doc(
			{
				"doctype": PAYMENT,
				"customer": name,
				"amount": 400,
				"method": "Bank Transfer",
				"is_retainer_deposit": 1,
			}
		).insert().submit()
	pairs = []
	for _ in range(3):
		pair = [customer("pair", True) for _ in range(2)]
		for name in pair:
			invoice(name, 90, 15)
		pairs.append(pair)
	prospects = [customer("prospect", False) for _ in range(6)]
	frappe.db.commit()
	return frappe._dict(hot=hot, pairs=pairs, prospects=prospects, made=made)


def invoice(customer: str, rate: float, days_ago: int) -> None:
	posting = add_days(nowdate(), -days_ago)
	frappe.get_doc(
		{
			"doctype": INVOICE,
			"customer": customer,
			"posting_date": posting,
			"due_date": add_days(posting, 30),
			"items": [{"description": "Soak work", "qty": 1, "rate": rate}],
		}
	).insert().submit()


def remove_world(world: frappe._dict) -> None:
	frappe.db.rollback()
	for name in world.made:
		delete_customer(name)


class Session:
	"""One person's logged-in session on the served site."""

	def __init__(self, url: str, host: str | None, email: str, password: str):
		self.url = url
		self.http = requests.Session()
		self.http.headers["Accept"] = "application/json"
		if host:
			self.http.headers["Host"] = host
		r = self.http.post(f"{url}/api/method/login", data={"usr": email, "pwd": password}, timeout=30)
		r.raise_for_status()


def ping(url: str, host: str | None, password: str, seconds: float) -> dict:
	"""Frappe's own /api/method/ping, asked by the soak's users at once, with no waits: the floor."""
	sessions = [Session(url, host, email, password) for email in SOAK_USERS]
	ms, until = [], time.monotonic() + seconds

	def work(session):
		while time.monotonic() < until:
			started = time.perf_counter()
			session.http.get(f"{url}/api/method/ping", timeout=30).raise_for_status()
			ms.append((time.perf_counter() - started) * 1000)

	threads = [threading.Thread(target=work, args=(s,)) for s in sessions]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join()
	return {"ms": ms, "rate": len(ms) / seconds}


class User(Session):
	"""One person at the desk, doing one thing after another at random."""

	def __init__(self, soak: "Soak", email: str, password: str, seed: int):
		super().__init__(soak.url, soak.host, email, password)
		self.soak, self.rng = soak, random.Random(seed)

	def call(self, kind: str, method: str, path: str, **kwargs) -> dict | None:
		"""One request; its outcome is counted under `kind` (ok, a conflict's name, or what went wrong)."""
		started = time.monotonic()
		try:
			r = self.http.request(method, f"{self.url}{path}", timeout=120, **kwargs)
		finally:
			self.soak.spans.append((started, time.monotonic()))
		self.soak.ms.setdefault(kind, []).append((time.monotonic() - started) * 1000)
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
		# every user starts at the same moment (the soak's barrier), so the work overlaps from the first
		self.soak.start_line.wait()
		while time.monotonic() < self.soak.until:
			action = self.rng.choices([a for a, _w in actions], weights=[w for _a, w in actions])[0]
			action()

	# --- what people do ------------------------------------------------------------------------

	def some(self, names):
		live = [n for n in names if n not in self.soak.merged]
		return self.rng.choice(live or names)

	def pay(self):
		self.post(
			"payment",
			"customer_lifecycle.api.billing.record_payment",
			customer=self.some(self.soak.world.hot + self.soak.paired),
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
		doc = self.call(
			"retainer draw",
			"POST",
			f"/api/resource/{INVOICE}",
			json={
				"customer": self.some(self.soak.world.hot),
				"posting_date": self.soak.today,
				"due_date": self.soak.due,
				"draw_from_retainer": 1,
				"items": [{"description": "Soak work", "qty": 1, "rate": self.rng.choice((30, 60, 90))}],
			},
		)
		if doc:
			self.post("retainer draw", "frappe.desk.form.save.savedocs", doc=json.dumps(doc), action="Submit")

	def tick(self):
		customer = self.some(self.soak.world.prospects + self.soak.paired)
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
		doc = self.call("stale edit", "GET", f"/api/resource/{CUSTOMER}/{self.some(self.soak.world.made)}")
		if not doc:
			return
		time.sleep(self.rng.uniform(0, 0.4))
		doc["notes"] = f"edited by {id(self)} at {time.time():.3f}"
		self.post("stale edit", "frappe.desk.form.save.savedocs", doc=json.dumps(doc), action="Save")

	def act(self):
		customer = self.some(self.soak.world.prospects + self.soak.paired)
		actions = self.get(
			"lifecycle action", "customer_lifecycle.api.lifecycle.get_actions", customer=customer
		)
		allowed = [a["action"] for a in actions or [] if a["action"] != "Anonymize"]
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
			if not pairs or time.monotonic() < self.soak.started + min(5, self.soak.seconds / 4):
				return
			survivor, duplicate = self.rng.choice(pairs)
			self.soak.merging.add(duplicate)
		if self.post("merge", "customer_lifecycle.api.merge.merge", customer=duplicate, into=survivor):
			self.soak.merged.add(duplicate)
			self.soak.lines[survivor] = self.soak.lines.get(survivor, 1) + 1


class Soak:
	def __init__(self, world: frappe._dict, url: str, seconds: float, host: str | None):
		self.world, self.url, self.seconds, self.host = world, url, seconds, host
		self.paired = [c for pair in world.pairs for c in pair]
		self.lock = threading.Lock()
		self.start_line = threading.Barrier(USERS)
		self.outcomes: Counter = Counter()
		self.failures: list = []
		self.spans: list[tuple[float, float]] = []
		self.ms: dict[str, list[float]] = {}
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
	"""Samples the database while the soak runs, on a connection of its own as root (only the PROCESS
	privilege shows InnoDB's transactions): how many of the site's connections run a query at the
	same moment, and how many of them wait for another's row lock. Without a root password
	(CL_DB_ROOT_PASSWORD or the bench's root_password) nothing is sampled."""

	def __init__(self):
		super().__init__(daemon=True)
		self.stop = threading.Event()
		self.database = frappe.conf.db_name
		self.password = os.environ.get("CL_DB_ROOT_PASSWORD") or frappe.conf.get("root_password")
		# read here: the thread has no site of its own
		self.host, self.port = frappe.conf.db_host or "127.0.0.1", int(frappe.conf.db_port or 3306)
		self.most_running = self.lock_waits = self.samples = 0

	def run(self):
		if not self.password:
			return
		connection = pymysql.connect(
			host=self.host,
			port=self.port,
			user="root",
			password=self.password,
			autocommit=True,
		)
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


def run(world: frappe._dict, url: str, seconds: float, password: str, host: str | None = None) -> dict:
	"""Eight users on the world's customers for `seconds`, then the invariants; the report."""
	soak = Soak(world, url, seconds, host)
	users = [User(soak, email, password, seed) for seed, email in enumerate(SOAK_USERS)]
	retried = deadlocks.retried()
	watcher = Watcher()
	watcher.start()
	soak.started = time.monotonic()
	soak.until = soak.started + seconds
	threads = [threading.Thread(target=user.work) for user in users]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join(seconds + 300)
	watcher.stop.set()
	watcher.join(30)

	frappe.db.rollback()  # this connection's snapshot predates the soak
	checked = check([name for name in world.made if name not in soak.merged], soak.lines)
	return {
		"seconds": seconds,
		"users": USERS,
		"operations": sum(soak.outcomes.values()),
		"by kind": {
			kind: {o: n for (k, o), n in sorted(soak.outcomes.items()) if k == kind}
			for kind in sorted({k for k, _o in soak.outcomes})
		},
		"ok": {kind: soak.outcomes[(kind, "ok")] for kind in KINDS},
		"conflicts": conflicts(soak.outcomes),
		"deadlocks retried": deadlocks.retried() - retried,
		"merges": len(soak.merged),
		"most requests in flight": soak.most_in_flight(),
		"most queries running at once": watcher.most_running,
		"lock waits seen": watcher.lock_waits,
		"database samples": watcher.samples,
		"invariants checked on": checked.counts(),
		"breaches": checked.breaches,
		"failures": soak.failures[:20],
		"ms": soak.ms,
	}


def conflicts(outcomes: Counter) -> dict:
	"""The refusals that answered a real conflict, by kind of refusal, whatever the operation."""
	seen = Counter()
	for (_kind, outcome), n in outcomes.items():
		if outcome in CONFLICTS:
			seen[outcome] += n
	return dict(seen)
