"""Faults (issue 18 §7): the database or the worker dies in the middle of each long job: Customer
Import, a bulk action, the segments and dormancy jobs, the demo.

Each test stops its job at a known point half way (a row the job needs next is held locked by the
test, and the job is seen waiting for it in the database), kills the database (SIGKILL to a
MariaDB of the test's own, then started again on the same data) or the worker (SIGKILL to the RQ
worker and its work horse, then a new worker), and checks:

- the record the job keeps (the import, the bulk action's results, the Scheduled Job Log, the demo's
  record) still says it is running, as before the watchdog existed; then, after one tick of the
  watchdog on a worker, within a minute, it says Failed, why, and how far the job got;
- running the job again finishes the work, without doubling anything the first run did (and a
  third run of the import adds nothing);
- the invariants of the concurrency soak (tests/invariants.py) hold over the whole site.

Everything killed is the test's own: its MariaDB (the machine's is shared), its site on it, and
workers that take only that site's jobs (tests/faults.py)."""

import csv
import io
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

import frappe
import pytest
from frappe.utils import getdate, nowdate
from rq.job import Job, JobStatus

from customer_lifecycle.benchmarks import invariants
from tests.bench import Bench
from tests.faults import ROOT_PASSWORD, Holding, OwnMariaDB, OwnWorker, on_site, unique, wait_for

WATCH = "customer_lifecycle.utils.jobs.watch"
SEGMENTS = "customer_lifecycle.analytics.segments.update_segments"
DORMANCY = "customer_lifecycle.lifecycle.dormancy.run"
# the watchdog's promise: a dead run shows Failed within a minute of the next tick
TICK_TO_FAILED = 60


class FaultSite:
	"""The test's own MariaDB, a site on it with queues of its own, and that site's worker."""

	def __init__(self, bench: Bench):
		self.bench = bench
		self.db = OwnMariaDB()
		self.name = f"{unique('faults')}.localhost"
		self.logs = Path(os.environ.get("CL_ARTIFACTS") or tempfile.gettempdir())
		self.logs.mkdir(parents=True, exist_ok=True)
		self.worker: OwnWorker | None = None

	def make(self) -> None:
		self.db.start()
		self.bench.run(
			"new-site",
			self.name,
			"--db-host",
			"127.0.0.1",
			"--db-port",
			str(self.db.port),
			*self.db_args(),
			"--admin-password",
			"admin",
			"--install-app",
			"customer_lifecycle",
			timeout=1800,
		)
		self.bench.run(
			"--site", self.name, "execute", "customer_lifecycle.utils.site_setup.complete_setup_wizard"
		)
		# its jobs go to queues of their own, which only its own workers take
		self.bench.run("--site", self.name, "set-config", "bench_id", self.name)
		self.start_worker()

	def db_args(self) -> list[str]:
		return ["--db-root-username", "root", "--db-root-password", ROOT_PASSWORD]

	def start_worker(self) -> None:
		self.worker = OwnWorker(self.bench.dir, self.name, self.logs / f"{self.name}-worker.log").start()

	def remove(self) -> None:
		if self.worker:
			self.worker.stop()
		if self.db.process and self.db.process.poll() is not None:
			self.db.start()
		self.bench.run("drop-site", self.name, *self.db_args(), "--no-backup", "--force", check=False)
		self.db.remove()

	def run(self, work, *args, **kwargs):
		return on_site(self.name, work, *args, **kwargs)

	# --- RQ ------------------------------------------------------------------------------------

	def job(self, job_id: str) -> Job | None:
		"""The site's RQ job of that id (frappe.enqueue's job_id), read from Redis alone."""
		from frappe.utils.background_jobs import get_redis_conn
		from rq.exceptions import NoSuchJobError

		try:
			return Job.fetch(f"{self.name}::{job_id}", connection=get_redis_conn())
		except NoSuchJobError:
			return None

	def job_status(self, job_id: str):
		job = self.job(job_id)
		return job and job.get_status()

	def started(self, job_id: str) -> Job:
		return wait_for(
			lambda: self.job_status(job_id) == JobStatus.STARTED and self.job(job_id),
			300,
			f"{job_id} to start",
		)

	def enqueue_scheduled(self, method: str) -> bool:
		"""What a scheduler tick does for a job that is due: queue it (Frappe skips a job it believes
		queued or started)."""
		return self.run(lambda: frappe.get_doc("Scheduled Job Type", {"method": method}).enqueue(force=True))

	def tick(self) -> float:
		"""One tick of the watchdog, run by the site's worker as the scheduler would have it run;
		returns when it has run, with the seconds it took from being queued."""
		queued = time.monotonic()
		assert self.enqueue_scheduled(WATCH)
		wait_for(
			lambda: self.job_status(f"scheduled_job::{WATCH}") in (JobStatus.FINISHED, JobStatus.FAILED),
			TICK_TO_FAILED,
			"the watchdog's tick",
		)
		return time.monotonic() - queued

	# --- faults --------------------------------------------------------------------------------

	def waiting_for_a_lock(self) -> bool:
		"""Some connection of the site's database waits for a row lock (the job, at the test's)."""
		return bool(
			self.db.root_sql(
				"select count(*) from information_schema.innodb_trx where trx_state = 'LOCK WAIT'"
			)[0][0]
		)

	def kill_worker_of(self, job: Job) -> list[int]:
		"""SIGKILL the worker running `job` and its work horse; a new worker takes the site's jobs.
		Only the test's worker listens on the site's queues: its work horse is the job's."""
		import psutil

		assert job.get_status() == JobStatus.STARTED and psutil.Process(self.worker.pid).children(), (
			"the test's worker runs no job"
		)
		pids = self.worker.kill()
		self.start_worker()
		return pids

	def kill_database(self, job_id: str | None = None) -> None:
		"""SIGKILL the site's MariaDB; once the job has failed on it (when given), start it again."""
		self.db.kill()
		if job_id:
			wait_for(
				lambda: self.job_status(job_id) in (JobStatus.FAILED, JobStatus.FINISHED),
				120,
				f"{job_id} to fail without its database",
			)
		self.db.start()


@pytest.fixture(scope="module")
def faults(site):
	bench = Bench()
	fault_site = FaultSite(bench)
	try:
		fault_site.make()
		yield fault_site
	finally:
		fault_site.remove()


def site_invariants():
	checked = invariants.check()
	assert not checked.breaches, checked.breaches[:20]
	return checked.counts()


# --- Customer Import: the database dies -----------------------------------------------------------

# ten chunks: when the first is written, the names of the later ones are not all taken yet
ROWS = 25000
ENDED = ("Completed", "Completed with Errors", "Failed")


def import_file(tag: str) -> bytes:
	out = io.StringIO()
	writer = csv.writer(out)
	writer.writerow(["Customer Name", "Email"])
	for i in range(ROWS):
		writer.writerow([f"Imported {tag} {i}", f"imp{i}.{tag}@example.org"])
	return out.getvalue().encode()


def new_import(content: bytes, tag: str) -> str:
	from customer_lifecycle.customers.doctype.customer_import.customer_import import start_import

	file = frappe.get_doc(
		{"doctype": "File", "file_name": f"{tag}.csv", "content": content, "is_private": 1}
	).insert()
	doc = frappe.get_doc({"doctype": "Customer Import", "import_file": file.file_url}).insert()
	frappe.db.commit()
	start_import(doc.name)
	return doc.name


def import_state(name: str, tag: str) -> dict:
	from customer_lifecycle.customers.doctype.customer_import.customer_import import why_stopped

	doc = frappe.get_doc("Customer Import", name)
	emails = frappe.get_all("Customer", filters={"email": ("like", f"%.{tag}@example.org")}, pluck="email")
	return {
		**doc.as_dict(),
		"stopped": why_stopped(doc) if doc.status in ("Queued", "Running") else None,
		"customers": len(emails),
		"distinct emails": len(set(emails)),
		"contacts": frappe.db.count("Contact", {"email_id": ("like", f"%.{tag}@example.org")}),
		"without contact": frappe.db.sql(
			"""select count(*) from `tabCustomer` c left join `tabContact` k on k.name = c.primary_contact
			where c.email like %s and k.name is null""",
			f"%.{tag}@example.org",
		)[0][0],
	}


def test_an_import_whose_database_dies_says_so_and_finishes_when_run_again(faults):
	tag = unique("imp")
	name = faults.run(new_import, import_file(tag), tag)
	job_id = f"customer_import::{name}"
	faults.started(job_id)
	wait_for(lambda: faults.run(import_state, name, tag)["progress"] > 0, 300, "the first chunk")
	# the next chunk's names wait for the naming series, held here: the import is half way
	with Holding(faults.name, "select name from `tabSeries` for update"):
		wait_for(faults.waiting_for_a_lock, 120, "the import to wait for its names")
		faults.kill_database(job_id)

	after_crash = faults.run(import_state, name, tag)
	# what a crashed import looked like before: "Running", for ever; the form already says why
	assert after_crash["status"] == "Running", after_crash
	assert after_crash["stopped"] and "OperationalError" in after_crash["stopped"], after_crash
	# nothing half-written: whole chunks only, each customer with its contact
	assert 0 < after_crash["customers"] < ROWS, after_crash
	assert after_crash["without contact"] == 0 and after_crash["contacts"] == after_crash["customers"]

	faults.tick()
	failed = faults.run(import_state, name, tag)
	assert failed["status"] == "Failed", failed
	assert "OperationalError" in failed["message"] and f"of {ROWS} rows" in failed["message"], failed
	assert failed["inserted"] <= failed["customers"], failed

	# the same file again: the rest is added, nothing twice; a third run adds nothing
	faults.run(lambda: frappe.get_doc("Customer Import", name).enqueue_import())
	done = wait_for(
		lambda: (state := faults.run(import_state, name, tag))["status"] in ENDED and state,
		600,
		"the import run again",
	)
	# the rows the first run wrote are skipped as duplicates, and listed in the error file as such
	assert done["status"] == "Completed with Errors" and done["rejected"] == 0, done
	assert done["customers"] == done["distinct emails"] == ROWS, done
	assert (done["inserted"], done["duplicates"]) == (
		ROWS - after_crash["customers"],
		after_crash["customers"],
	)
	assert done["without contact"] == 0 and done["contacts"] == ROWS
	faults.run(lambda: frappe.get_doc("Customer Import", name).enqueue_import())
	third = wait_for(
		lambda: (state := faults.run(import_state, name, tag))["status"] in ENDED and state,
		600,
		"the third run",
	)
	assert third["status"] == "Completed with Errors", third
	assert (third["inserted"], third["duplicates"], third["customers"]) == (0, ROWS, ROWS), third
	faults.run(site_invariants)


# --- a bulk action: the worker dies -----------------------------------------------------------------

BULK = 45
BLOCKED_AT = 20


def make_prospects(count: int) -> list[str]:
	from tests.factories import make_customer

	return [make_customer().name for _ in range(count)]


def bulk_state(job: str) -> dict:
	from customer_lifecycle.customers.bulk_actions import results

	return frappe._dict(results(job))


def changes_of(names: list[str]) -> dict:
	rows = frappe.get_all(
		"Customer Lifecycle Change",
		filters={"customer": ("in", names), "action": "Start Onboarding"},
		fields=["customer", "count(*) as n"],
		group_by="customer",
	)
	return {row.customer: row.n for row in rows}


def test_a_bulk_action_whose_worker_dies_says_so_and_runs_the_rest(faults):
	from customer_lifecycle.customers import bulk_actions

	names = faults.run(make_prospects, BULK)
	state = faults.run(
		lambda: bulk_actions.start(
			"lifecycle", names, frappe._dict(action="Start Onboarding", reason="faults")
		)
	)
	job_id = f"customer_lifecycle.bulk.{state['job_id']}"
	job = faults.started(job_id)
	# the customer it reaches next is held: the run is half way, the customers before it committed
	with Holding(faults.name, "select name from `tabCustomer` where name = %s for update", names[BLOCKED_AT]):
		wait_for(faults.waiting_for_a_lock, 120, "the run to wait for the customer")
		faults.kill_worker_of(job)
	killed = faults.run(bulk_state, state["job_id"])
	assert (killed.finished, killed.processed, len(killed.results)) == (0, BLOCKED_AT, BLOCKED_AT), killed

	took = faults.tick()
	stopped = faults.run(bulk_state, state["job_id"])
	assert stopped.finished and stopped.stopped, stopped
	assert "killed" in stopped.stopped or "ended" in stopped.stopped or "stopped" in stopped.stopped
	assert f"{BLOCKED_AT} of {BULK} customers" in stopped.stopped, stopped.stopped
	assert stopped.done == BLOCKED_AT and took < TICK_TO_FAILED
	assert faults.run(changes_of, names) == dict.fromkeys(names[:BLOCKED_AT], 1)

	# run the rest: the customers done are skipped, the others done once
	faults.run(bulk_actions.resume, state["job_id"])
	done = wait_for(
		lambda: (s := faults.run(bulk_state, state["job_id"])).finished and s, 300, "the rest of the run"
	)
	assert not done.stopped and (done.done, done.failed) == (BULK, 0), done
	assert [r["customer"] for r in done.results] == names
	assert faults.run(changes_of, names) == dict.fromkeys(names, 1)
	faults.run(site_invariants)


# --- the nightly segments job: the worker dies ------------------------------------------------------


def segments_of(names: list[str]) -> dict:
	return {
		row.name: (row.revenue_segment, row.activity_segment)
		for row in frappe.get_all(
			"Customer",
			filters={"name": ("in", names)},
			fields=["name", "revenue_segment", "activity_segment"],
		)
	}


def spoil_segments(count: int) -> list[str]:
	"""Segments made right by a run, then `count` customers' made wrong, as if they had changed."""
	from customer_lifecycle.analytics.segments import update_segments

	update_segments()
	names = frappe.get_all("Customer", pluck="name", order_by="name", limit=count)
	frappe.db.sql("update `tabCustomer` set activity_segment = 'Spoilt' where name in %s", [tuple(names)])
	return names


def segments_after_a_run(names: list[str]) -> dict:
	"""What a run would make the customers' segments (the run undone afterwards)."""
	from customer_lifecycle.analytics.segments import update_segments

	update_segments()
	values = segments_of(names)
	frappe.db.rollback()
	return values


def last_log(method: str) -> frappe._dict:
	job_type = frappe.db.get_value("Scheduled Job Type", {"method": method})
	return frappe.get_all(
		"Scheduled Job Log",
		filters={"scheduled_job_type": job_type},
		fields=["name", "status", "details"],
		order_by="creation desc",
		limit=1,
	)[0]


def test_the_segments_job_whose_worker_dies_is_marked_failed_and_runs_again(faults):
	from customer_lifecycle.analytics.segments import update_segments

	spoilt = faults.run(spoil_segments, 30)
	true_values = faults.run(segments_after_a_run, spoilt)
	# the row it writes last of the spoilt ones is held: its one UPDATE waits half way
	with Holding(faults.name, "select name from `tabCustomer` where name = %s for update", spoilt[-1]):
		assert faults.enqueue_scheduled(SEGMENTS)
		job = faults.started(f"scheduled_job::{SEGMENTS}")
		wait_for(faults.waiting_for_a_lock, 120, "the segments to wait for the customer")
		faults.kill_worker_of(job)
	assert faults.run(last_log, SEGMENTS).status == "Start"
	# a job Frappe believes started is never queued again, until the watchdog buries it
	assert not faults.enqueue_scheduled(SEGMENTS)

	took = faults.tick()
	log = faults.run(last_log, SEGMENTS)
	assert log.status == "Failed" and took < TICK_TO_FAILED, log
	assert "worker" in log.details and "nothing of it was kept" in log.details, log.details
	# nothing half-written: every spoilt customer is as the killed run found it
	assert set(faults.run(segments_of, spoilt).values()) == {(v[0], "Spoilt") for v in true_values.values()}

	assert faults.enqueue_scheduled(SEGMENTS)
	wait_for(lambda: faults.run(last_log, SEGMENTS).status == "Complete", 300, "the segments run again")
	assert faults.run(segments_of, spoilt) == true_values
	# and a run after that changes nothing
	assert faults.run(update_segments)["changed"] == 0
	faults.run(site_invariants)


# --- the nightly dormancy job: the database dies ----------------------------------------------------


def quiet_customers(count: int) -> int:
	"""Customers along the workflow (the demo's bulk maker), with the dormancy days made 1, so
	every active one of them is to go dormant. Returns how many the job has to move."""
	from customer_lifecycle.demo.customers import make_customers
	from customer_lifecycle.lifecycle import dormancy, engine

	make_customers(count, seed=31)
	frappe.db.set_single_value("Customer Lifecycle Settings", "dormant_after_days", 1)
	frappe.db.commit()
	frappe.clear_document_cache("Customer Lifecycle Settings", "Customer Lifecycle Settings")
	return [name for name, _target in dormancy.candidates(engine.get_settings(), getdate(nowdate()))]


def dormancy_moves(reason: str = "No activity for 1 days") -> dict:
	rows = frappe.get_all(
		"Customer Lifecycle Change",
		filters={"reason": reason, "automatic": 1},
		fields=["customer", "count(*) as n"],
		group_by="customer",
	)
	return {row.customer: row.n for row in rows}


def test_the_dormancy_job_whose_database_dies_keeps_its_chunks_and_finishes_them(faults):
	from customer_lifecycle.lifecycle import dormancy

	todo = faults.run(quiet_customers, 600)
	assert len(todo) > dormancy.MOVE_CHUNK + 20, len(todo)
	# a customer of the second chunk is held: the first chunk is committed, the second half made
	with Holding(
		faults.name,
		"select name from `tabCustomer` where name = %s for update",
		todo[dormancy.MOVE_CHUNK + 10],
	):
		assert faults.enqueue_scheduled(DORMANCY)
		faults.started(f"scheduled_job::{DORMANCY}")
		wait_for(faults.waiting_for_a_lock, 300, "the dormancy job to wait for the customer")
		faults.kill_database(f"scheduled_job::{DORMANCY}")
	assert faults.run(last_log, DORMANCY).status == "Start"
	moved = faults.run(dormancy_moves)
	assert sorted(moved) == sorted(todo[: dormancy.MOVE_CHUNK]) and set(moved.values()) == {1}

	faults.tick()
	log = faults.run(last_log, DORMANCY)
	assert log.status == "Failed", log
	assert "OperationalError" in log.details, log.details
	assert (
		f"Of the {len(todo)} customers it found to move, {dormancy.MOVE_CHUNK} were dealt with" in log.details
	)

	assert faults.enqueue_scheduled(DORMANCY)
	wait_for(lambda: faults.run(last_log, DORMANCY).status == "Complete", 600, "the dormancy job run again")
	assert faults.run(dormancy_moves) == dict.fromkeys(todo, 1)
	# a run after that has nothing left to move
	assert faults.run(lambda: dormancy.run()["moved"]) == {}
	faults.run(site_invariants)


# --- the demo: its process dies ---------------------------------------------------------------------

DEMO_CUSTOMERS = 150


def demo_record() -> dict | None:
	from customer_lifecycle.demo import read_record

	return read_record()


def test_a_demo_whose_process_dies_is_finished_by_the_next_run_for_the_same_customers(faults):
	command = [faults.bench.cli, "--site", faults.name, "customer-lifecycle", "demo"]
	command += ["--customers", str(DEMO_CUSTOMERS), "--seed", "7"]
	before = faults.run(lambda: frappe.db.count("Customer"))
	demo = subprocess.Popen(
		command,
		cwd=faults.bench.dir,
		stdout=subprocess.PIPE,
		stderr=subprocess.STDOUT,
		text=True,
		start_new_session=True,
	)
	try:
		record = wait_for(lambda: (r := faults.run(demo_record)) and r["done"] >= 1 and r, 600, "step 1")
		# the figures of billing (step 4) are written to every customer: one is held
		with Holding(
			faults.name, "select name from `tabCustomer` where name = %s for update", record["names"][0]
		):
			wait_for(faults.waiting_for_a_lock, 600, "the demo to wait for the customer")
			record = faults.run(demo_record)
			os.killpg(demo.pid, 9)
			demo.wait(60)
	finally:
		if demo.poll() is None:
			os.killpg(demo.pid, 9)
	from customer_lifecycle.demo import STEPS

	stopped_at = record["done"] + 1
	assert 2 <= stopped_at <= 4 and len(record["names"]) == DEMO_CUSTOMERS, record

	again = faults.bench.run(*command[1:], timeout=900).stdout
	assert (
		f"The last demo run stopped at step {stopped_at}/{len(STEPS)}" in again
		and f"(pid {record['pid']}) has ended" in again
		and f"Finishing it for the same {DEMO_CUSTOMERS} customers (seed 7)" in again
	), again
	steps = len(STEPS)
	assert "[1/" not in again and f"[{stopped_at}/{steps}]" in again and f"[{steps}/{steps}]" in again, again
	assert faults.run(demo_record) is None

	# the same customers: none made twice, the steps done before the kill not done again
	near = int(re.search(r"(\d+) near-duplicates", again).group(1)) if "near-duplicates" in again else 0
	portal = 1 if "1 portal customers" in again else 0
	assert faults.run(lambda: frappe.db.count("Customer")) == before + DEMO_CUSTOMERS + near + portal
	# every invoice of the demo's customers is one its Billing, Time or Service plans step says it made
	invoices = sum(
		int(re.search(pattern, again).group(1).replace(",", ""))
		for pattern in (
			r"\[4/\d+\] Billing: .*?([\d,]+) invoices",
			r"\] Time: .*?([\d,]+) invoices of time",
			r"\] Service plans: .*?([\d,]+) period invoices",
		)
	)
	assert invoices == faults.run(
		lambda: frappe.db.count("Customer Invoice", {"customer": ("in", record["names"])})
	)
	faults.run(site_invariants)
