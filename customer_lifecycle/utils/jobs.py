"""Long jobs whose process may die on the way: whether a run is still alive, and the watchdog that
marks the dead ones Failed.

Customer Import, bulk actions, the nightly segments and dormancy jobs and the demo each keep a
record of how far they got. When the process running one dies (its worker killed, the machine
restarted, the database gone from under it) nothing is left to end that record, and it would say
"Running" for ever. So a run also leaves a sign of life (`Run`) in the cache, which outlives a dead
database: the process running it (host, pid, and when that process started, so that a pid given
to another process later is not taken for it), the RQ job it runs in (none when it was called
directly), its last heartbeat, how far it got, and the error that stopped it when it could still
say so.

`why_dead` tells whether a run is dead and why, as Prepared Report's expire_stalled_report does for
reports, but without waiting for a timeout where it need not:

- its process has ended (seen at once on the machine it ran on);
- its RQ job failed or was stopped (the reason from RQ's exc_info), or ended and left it unended;
- its RQ job says "started" but its worker has not beaten for STALE seconds (RQ beats every 30 s
  while a job runs: worker.maintain_heartbeats), or the worker is gone from RQ's register;
- with neither to go by, its own heartbeat is older than the caller allows.

`watch` runs every minute (hooks.py scheduler_events): each long job's check of its runs (the
`dead_run_checks` hook), among them `fail_dead_scheduled_runs` for the app's scheduled jobs whose
Scheduled Job Log still says "Start". A check that finds a dead run marks it Failed with the reason
and how far it got, and `bury`s its RQ job when RQ still has it as started, so that Frappe queues
that job again (it skips a job id it believes queued or started).
"""

import os
import socket
import time
from contextlib import contextmanager, suppress
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import frappe
import psutil
from frappe import _
from frappe.utils import format_datetime, get_system_timezone
from frappe.utils.background_jobs import get_redis_conn
from rq import Worker, get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.utils import utcnow

# a started job whose worker has not beaten for this long has lost its worker (RQ beats every 30 s)
STALE = 90
# a run with no job and no process to look at (called directly on another machine): silent this long
STALE_DIRECT = 600
# a sign is kept a week after its run stopped writing to it (a run that ended removes its own)
SIGN_TTL = 7 * 24 * 3600
SIGNS = "customer_lifecycle:run:"
# times compared across processes of one machine: this much apart is "at the same time"
SLACK = 5
SCHEDULED_LOG = "Scheduled Job Log"
SCHEDULED_TYPE = "Scheduled Job Type"
# the status Frappe's ScheduledJobType.execute gives a log while its job runs
LOG_RUNNING = "Start"


class Run:
	"""A run's sign of life in the cache, under its key (`kind:name`), from `start` until `end`."""

	def __init__(self, key: str, sign: dict | None = None):
		self.key = key
		self.sign = frappe._dict(sign or {})

	@classmethod
	def start(cls, key: str, **progress) -> "Run":
		"""The sign of a run that begins in this process (replacing any an earlier run left)."""
		run = cls(key, {**this_process(), "progress": progress, "error": None})
		run.save()
		return run

	@classmethod
	def read(cls, key: str) -> "Run | None":
		sign = frappe.cache.get_value(SIGNS + key)
		return cls(key, sign) if sign else None

	def beat(self, **progress) -> None:
		"""Alive, and this far (the keys given replace those of the last beat)."""
		self.sign.beat = time.time()
		self.sign.progress = {**(self.sign.progress or {}), **progress}
		self.save()

	def failed(self, error: str) -> None:
		"""Say what stopped the run, where its own record cannot (a dead database): the watchdog
		takes it as the reason. Never raises: it is called while something else went wrong."""
		self.sign.error = error
		with suppress(Exception):
			self.save()

	def end(self) -> None:
		"""The run recorded its end itself: nothing is left for the watchdog."""
		frappe.cache.delete_value(SIGNS + self.key)

	def save(self) -> None:
		frappe.cache.set_value(SIGNS + self.key, dict(self.sign), expires_in_sec=SIGN_TTL)

	@property
	def progress(self) -> frappe._dict:
		return frappe._dict(self.sign.progress or {})

	def process_alive(self) -> bool | None:
		"""Whether the process that wrote the sign still runs: None when it ran on another machine."""
		if self.sign.host != socket.gethostname() or not self.sign.pid:
			return None
		try:
			process = psutil.Process(self.sign.pid)
			return (
				abs(process.create_time() - (self.sign.pid_started or 0)) < 1
				and process.status() != psutil.STATUS_ZOMBIE
			)
		except psutil.Error:
			return False


def this_process() -> dict:
	"""What tells the process running a run, and the run's start: the RQ job it runs in (None when
	called directly), host, pid and the moment the process started; `started` and `beat`, now."""
	now = time.time()
	job = get_current_job()
	return {
		"job_id": job.id if job else None,
		"host": socket.gethostname(),
		"pid": os.getpid(),
		"pid_started": psutil.Process().create_time(),
		"started": now,
		"beat": now,
	}


def why_dead(
	run: Run | None,
	job_id: str | None = None,
	since: datetime | None = None,
	last_seen: datetime | None = None,
	stale_after: int = STALE_DIRECT,
) -> str | None:
	"""None while a run may still be alive; else why it is not, as a phrase (`The import stopped:
	{reason}`).

	run: its sign (None when it left none: not started yet, or its sign was lost);
	job_id: the RQ job (Frappe's id, without the site) it was queued as, when it was;
	since: when this run was queued or started: an RQ job of that id that ended before is an earlier
	run's; last_seen: the latest moment its own record shows it at work (its `modified`), for a run
	with neither process nor job to look at, which is dead when silent for `stale_after` seconds."""
	job = None
	if run and run.sign.job_id:
		job = fetch(run.sign.job_id)
	elif job_id:
		job = frappe_job(job_id)
		if job and job.ended_at and epoch_utc(job.ended_at) < epoch(since) - SLACK:
			job = None  # an earlier run's
	if run:
		alive = run.process_alive()
		if alive:
			return None
		if alive is False:
			return (
				run.sign.error
				or (job and job_verdict(job, dead_process=True))
				or _("the process running it (pid {0}) has ended").format(run.sign.pid)
			)
		if run.sign.error:
			return run.sign.error
	if job:
		return job_verdict(job)
	seen = max(filter(None, [run and run.sign.beat, epoch(last_seen)]), default=None)
	if seen and time.time() - seen < stale_after:
		return None
	if run:
		return _("it has given no sign of life since {0}").format(format_epoch(seen))
	if not seen:
		return _("its job is no longer in the queue")
	return _("its job is no longer in the queue, and it has given no sign of life since {0}").format(
		format_epoch(seen)
	)


def job_verdict(job: Job, dead_process: bool = False) -> str | None:
	"""Why the RQ job's run is dead, or None while RQ has it queued or running with a live worker.
	`dead_process`: its process is known to have ended (a started job is then dead too)."""
	status = job.get_status(refresh=False)
	if status in (JobStatus.QUEUED, JobStatus.DEFERRED, JobStatus.SCHEDULED):
		# waiting for a worker (when its process has ended, this is a later run's job)
		return None
	if status == JobStatus.STARTED:
		worker = find_worker(job.worker_name)
		beat = job.last_heartbeat and epoch_utc(job.last_heartbeat)
		if dead_process or not worker:
			return _("its worker stopped (last heard from at {0})").format(format_epoch(beat))
		if beat and time.time() - beat > STALE:
			return _("its worker has not been heard from since {0}").format(format_epoch(beat))
		return None
	if status == JobStatus.FAILED:
		return _("its job failed: {0}").format(failure_text(job))
	if status in (JobStatus.STOPPED, JobStatus.CANCELED):
		return _("its job was stopped")
	return _("its job ended without recording the end of the run")


def failure_text(job: Job) -> str:
	"""The last line of the failed job's traceback, in words where RQ's own are cryptic."""
	text = ""
	result = job.latest_result() if job.supports_redis_streams else None
	text = (result and result.exc_string) or job._exc_info or ""
	lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
	last = lines[-1] if lines else _("no reason was recorded")
	if "Work-horse terminated unexpectedly" in last:
		signal = last.partition("(signal ")[2].partition(")")[0]
		return _("its worker process was killed (signal {0})").format(signal) if signal else last
	return last


def bury(job_id: str, reason: str) -> None:
	"""Move an RQ job that says "started" but whose run is dead to RQ's failed jobs, with the reason:
	Frappe would otherwise never queue a job of that id again (it skips ids queued or started), and
	RQ keeps it as started until its timeout. `job_id`: RQ's full id."""
	job = fetch(job_id)
	if not job or job.get_status() != JobStatus.STARTED:
		return
	connection = get_redis_conn()
	with connection.pipeline() as pipeline:
		job.started_job_registry.remove(job, pipeline=pipeline)
		job.set_status(JobStatus.FAILED, pipeline=pipeline)
		job.ended_at = utcnow()
		job._handle_failure(reason, pipeline=pipeline)
		pipeline.execute()


def full_job_id(job_id: str) -> str:
	"""RQ's id of the job Frappe queued as `job_id` for this site (frappe.enqueue's job_id)."""
	return f"{frappe.local.site}::{job_id}"


def frappe_job(job_id: str) -> Job | None:
	return fetch(full_job_id(job_id))


def fetch(job_id: str) -> Job | None:
	try:
		return Job.fetch(job_id, connection=get_redis_conn())
	except NoSuchJobError:
		return None


def find_worker(name: str | None) -> Worker | None:
	if not name:
		return None
	return Worker.find_by_key(Worker.redis_worker_namespace_prefix + name, connection=get_redis_conn())


# --- times --------------------------------------------------------------------------------------


def epoch(moment: datetime | float | None) -> float | None:
	"""Seconds since the epoch of a moment in the site's time (Frappe's datetimes)."""
	if moment is None or isinstance(moment, float | int):
		return moment
	return moment.replace(tzinfo=ZoneInfo(get_system_timezone())).timestamp()


def epoch_utc(moment: datetime) -> float:
	"""Seconds since the epoch of a naive UTC datetime (RQ's)."""
	return moment.replace(tzinfo=timezone.utc).timestamp()


def site_time(seconds: float) -> datetime:
	return datetime.fromtimestamp(seconds, ZoneInfo(get_system_timezone())).replace(tzinfo=None)


def format_epoch(seconds: float | None) -> str:
	return format_datetime(site_time(seconds)) if seconds else _("it started")


# --- the watchdog -------------------------------------------------------------------------------


def watch() -> None:
	"""Every minute (hooks.py): each long job's check of its runs (hook `dead_run_checks`). A
	check that fails is logged and the others still run."""
	for check in frappe.get_hooks("dead_run_checks"):
		try:
			frappe.get_attr(check)()
			frappe.db.commit()
		except Exception:
			frappe.db.rollback()
			frappe.log_error(title=_("Checking for stopped runs failed: {0}").format(check))


def scheduled_run_key(method: str) -> str:
	"""The sign key of a scheduled job's run (the job's method)."""
	return f"scheduled:{method}"


def fail_dead_scheduled_runs() -> list[str]:
	"""The app's scheduled jobs whose Scheduled Job Log says "Start" but whose run is dead: the log
	becomes Failed, its details saying why and how far the run got. Of a job's logs in "Start" only
	the latest can still be running (Frappe runs one job of an id at a time); the others were left by
	runs that died before. Returns the logs marked."""
	types = dict(
		frappe.get_all(
			SCHEDULED_TYPE,
			filters={"method": ("like", "customer_lifecycle.%")},
			fields=["name", "method"],
			as_list=True,
		)
	)
	if not types:
		return []
	logs = frappe.get_all(
		SCHEDULED_LOG,
		filters={"status": LOG_RUNNING, "scheduled_job_type": ("in", list(types))},
		fields=["name", "scheduled_job_type", "creation", "modified"],
		order_by="creation desc",
	)
	marked, latest = [], set()
	for log in logs:
		method = types[log.scheduled_job_type]
		run = Run.read(scheduled_run_key(method))
		if run and (run.sign.started or 0) < epoch(log.creation) - SLACK:
			run = None  # an earlier run's sign
		if log.scheduled_job_type in latest:
			reason = _("a later run of it started before it ended")
		else:
			latest.add(log.scheduled_job_type)
			reason = why_dead(
				run, job_id=f"scheduled_job::{method}", since=log.creation, last_seen=log.modified
			)
		if not reason:
			continue
		how_far = (run and run.progress.get("text")) or _("It had recorded no progress.")
		frappe.db.set_value(
			SCHEDULED_LOG,
			log.name,
			{
				"status": "Failed",
				"details": _("The run stopped before it ended: {0}. {1}").format(reason, how_far),
			},
		)
		if run:
			run.end()
		bury(full_job_id(f"scheduled_job::{method}"), reason)
		marked.append(log.name)
	return marked


@contextmanager
def scheduled_run(method: str):
	"""`with scheduled_run(method) as run:` around a scheduled job's work: its sign of life while it
	runs (the watchdog reads how far it got from `run.beat(text=...)`), ended when the block ends
	without an error; on an error the sign keeps it for the watchdog (Frappe's own log of the run is
	written after the error, when the database still answers)."""
	run = Run.start(scheduled_run_key(method))
	try:
		yield run
	except BaseException as e:
		run.failed(describe(e))
		raise
	run.end()


def describe(error: BaseException) -> str:
	"""An error as a phrase for a reason (`it stopped on an error: ...`)."""
	return _("it stopped on an error: {0}: {1}").format(type(error).__name__, error)
