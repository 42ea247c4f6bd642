"""Bulk actions on customers: tag, assign, lifecycle action, archive, restore, delete.

Each selected customer is handled on its own, in its own savepoint and with the current user's
permissions checked for that customer, so one failure undoes only that customer and the answer says,
customer by customer, what was done or why not. Up to BULK_INLINE customers run in the request; up to
BULK_LIMIT run in a background job that commits and keeps its results in the cache after each
customer, reports its progress over realtime, and keeps the results for an hour, so the person who
started it can open them again (`results`).

A deadlock undoes the rows done since the last commit; they are run again, as Frappe runs a job
again after one (utils/deadlocks.py). A background run whose worker dies is found by the watchdog
(utils/jobs.py, `fail_dead_runs`): its state says it stopped, why, and how far it got, with the
results of the customers done; `resume` runs the rest, skipping those.
"""

import html
import time

import frappe
from frappe import _
from frappe.desk.doctype.tag.tag import DocTags
from frappe.desk.form import assign_to
from frappe.model.workflow import WorkflowPermissionError, WorkflowTransitionError
from frappe.utils import strip_html

from customer_lifecycle.customers.archive import set_archived
from customer_lifecycle.lifecycle import engine
from customer_lifecycle.lifecycle.engine import get_workflow
from customer_lifecycle.utils import deadlocks, jobs
from customer_lifecycle.utils.doctypes import CUSTOMER, STATE_FIELD

# at most this many customers a bulk action; up to BULK_INLINE of them in the request
BULK_LIMIT = 500


BULK_INLINE = 20


DONE = "done"


FAILED = "failed"


# realtime event for a background run: {job_id, done, total, finished}
PROGRESS_EVENT = "customer_lifecycle_bulk_progress"


RESULTS_TTL = 3600


SAVEPOINT = "customer_lifecycle_bulk_row"


def run_job(job: str, action: str, names: list[str], params: dict) -> None:
	"""Background job: run a large selection, committing, keeping the results and publishing progress
	after each customer. A resumed run (`resume`) skips the customers its state has results for."""
	state = frappe._dict(
		frappe.cache.get_value(results_key(job), expires=True) or new_state(job, action, names, params)
	)
	state.results = state.results or []
	user = frappe.session.user
	run = jobs.Run.start(run_key(job))

	def after_row(done: int) -> None:
		frappe.db.commit()
		state.processed = done
		store(state)
		run.beat(done=done)
		frappe.publish_realtime(PROGRESS_EVENT, {"job_id": job, "done": done, "total": len(names)}, user=user)

	try:
		have = {row["customer"] for row in state.results}
		run_rows(action, [n for n in names if n not in have], frappe._dict(params), state.results, after_row)
	except Exception as e:
		run.failed(jobs.describe(e))
		raise
	store(finish(state))
	stop_watching(job)
	run.end()
	frappe.publish_realtime(
		PROGRESS_EVENT,
		{"job_id": job, "done": len(names), "total": len(names), "finished": 1},
		user=user,
	)


def run_rows(
	action: str, names: list[str], params: frappe._dict, results: list | None = None, after_row=None
) -> list[dict]:
	"""One result per customer, in the order given, appended to `results` (returned). Titles come
	from get_list, so a customer the user may not read shows only its name.

	A deadlock undoes every row since the last commit (after_row commits in a background run; a run
	in the request commits at its end): they are run again, up to deadlocks.RETRIES times, then
	reported as not done."""
	handler = HANDLERS[action]
	titles = dict(
		frappe.get_list(
			CUSTOMER,
			filters={"name": ("in", names)},
			fields=["name", "customer_name"],
			as_list=True,
			limit_page_length=0,
		)
	)
	results = [] if results is None else results
	committed = len(results)  # results before this one are committed
	position, attempt = 0, 0
	while position < len(names):
		name = names[position]
		try:
			result, message = run_row(action, handler, name, params)
		except frappe.QueryDeadlockError:
			frappe.db.rollback()
			undone = len(results) - committed
			if attempt < deadlocks.RETRIES:
				# run the undone rows again, from the first of them
				del results[committed:]
				position -= undone
				deadlocks.pause(attempt, someone_waits=after_row is None)
				attempt += 1
				continue
			for row in results[committed:]:
				row.update(
					result=FAILED,
					message=_(
						"Undone: another change kept conflicting with this run (deadlock). Run it again for this one."
					),
				)
			result = FAILED
			message = _(
				"Another change kept conflicting with this one (deadlock); nothing was changed. Run it again."
			)
		results.append(
			{"customer": name, "customer_name": titles.get(name), "result": result, "message": message}
		)
		position += 1
		if after_row:
			after_row(len(results))
			committed, attempt = len(results), 0
	return results


def run_row(action: str, handler, name: str, params: frappe._dict) -> tuple[str, str]:
	"""Run handler for one customer inside a savepoint: (DONE, what was done) or (FAILED, why).

	Messages the handler's code raised or printed are taken into the row's message and removed
	from the response, so the person sees one list rather than a pile of pop-ups."""
	messages = frappe.local.message_log
	shown = len(messages)
	frappe.db.savepoint(SAVEPOINT)
	try:
		if not frappe.db.exists(CUSTOMER, name):
			frappe.throw(
				_("{0} {1} was not found; it may have been deleted.").format(_(CUSTOMER), name),
				frappe.DoesNotExistError,
			)
		outcome = (DONE, handler(name, params))
	except frappe.QueryDeadlockError:
		# the database has undone the whole transaction, savepoint included: run_rows handles it
		raise
	except (frappe.ValidationError, frappe.PermissionError, frappe.DoesNotExistError) as e:
		frappe.db.rollback(save_point=SAVEPOINT)
		outcome = (FAILED, error_text(e, action, name, params))
	except Exception as e:
		frappe.db.rollback(save_point=SAVEPOINT)
		log = frappe.log_error(title=_("Bulk customer action failed for {0}").format(name))
		outcome = (
			FAILED,
			_("Unexpected error ({0}); it is recorded in Error Log {1}.").format(type(e).__name__, log.name),
		)
	else:
		frappe.db.release_savepoint(SAVEPOINT)
	finally:
		del messages[shown:]
		frappe.flags.error_message = None
	return outcome


def error_text(e: Exception, action: str, name: str, params: frappe._dict) -> str:
	"""Plain text of why a row failed, as the code that refused it said it."""
	explain = EXPLAIN.get(action)
	text = (explain and explain(e, name, params)) or str(e) or frappe.flags.error_message
	if not text and isinstance(e, frappe.PermissionError):
		text = _("You are not permitted to change {0} {1}.").format(_(CUSTOMER), name)
	return html.unescape(strip_html(str(text or type(e).__name__))).strip()


def add_tag(name: str, params: frappe._dict) -> str:
	"""Frappe's tag, added to the customer (tags need write permission on it)."""
	frappe.has_permission(CUSTOMER, "write", name, throw=True)
	if params.tag in DocTags(CUSTOMER).get_tags(name).split(","):
		return _("Already tagged {0}").format(params.tag)
	DocTags(CUSTOMER).add(name, params.tag)
	return _("Tagged {0}").format(params.tag)


def assign(name: str, params: frappe._dict) -> str:
	"""Frappe's assignment (a ToDo for the user); Frappe checks the assigner may read the customer."""
	open_todo = {
		"reference_type": CUSTOMER,
		"reference_name": name,
		"allocated_to": params.assign_to,
		"status": "Open",
	}
	if frappe.db.exists("ToDo", open_todo):
		frappe.has_permission(CUSTOMER, "read", name, throw=True)
		return _("Already assigned to {0}").format(params.assign_to)
	args = {"assign_to": [params.assign_to], "doctype": CUSTOMER, "name": name}
	if params.note:
		args["description"] = params.note
	if params.date:
		args["date"] = params.date
	assign_to.add(args)
	return _("Assigned to {0}").format(params.assign_to)


def apply_lifecycle(name: str, params: frappe._dict) -> str:
	"""The lifecycle action (workflow guard, roles, change log)."""
	doc = engine.apply_action(name, params.action, params.reason)
	return _("Moved to {0}").format(_(doc.get(STATE_FIELD)))


def explain_lifecycle(e: Exception, name: str, params: frappe._dict) -> str | None:
	"""Frappe says only "Not a valid Workflow Action"; say whether the state or the role is why."""
	if not isinstance(e, WorkflowTransitionError | WorkflowPermissionError):
		return None
	state = frappe.db.get_value(CUSTOMER, name, STATE_FIELD)
	allowed = sorted(
		{t.allowed for t in get_workflow().transitions if t.state == state and t.action == params.action}
	)
	if not allowed:
		return _("{0} cannot be applied to a customer in {1}.").format(_(params.action), _(state))
	return _("Only {0} may apply {1} to a customer in {2}.").format(
		", ".join(_(role) for role in allowed), _(params.action), _(state)
	)


def archive(name: str, params: frappe._dict) -> str:
	return set_archived_message(name, True)


def restore(name: str, params: frappe._dict) -> str:
	return set_archived_message(name, False)


def set_archived_message(name: str, archived: bool) -> str:
	"""archive.set_archived (permission check, save, timeline comment) and what it changed."""
	was = frappe.db.get_value(CUSTOMER, name, "archived")
	set_archived(name, archived)
	if bool(was) == archived:
		return _("Already archived") if archived else _("Was not archived")
	return _("Archived") if archived else _("Restored")


def delete(name: str, params: frappe._dict) -> str:
	"""Frappe's delete: it checks delete permission and refuses a customer other records link to
	(LinkExistsError). Contacts and addresses of this customer alone go with it (Customer.on_trash)."""
	frappe.delete_doc(CUSTOMER, name)
	return _("Deleted")


HANDLERS = {
	"tag": add_tag,
	"assign": assign,
	"lifecycle": apply_lifecycle,
	"archive": archive,
	"restore": restore,
	"delete": delete,
}


# clearer reasons than the refusing code gives, where the app knows more
EXPLAIN = {"lifecycle": explain_lifecycle}


def new_state(job_id: str, action: str, names: list[str], params: dict) -> frappe._dict:
	return frappe._dict(
		job_id=job_id,
		action=action,
		params=params,
		names=names,
		user=frappe.session.user,
		started=time.time(),
		total=len(names),
		processed=0,
		finished=0,
		done=0,
		failed=0,
		stopped=None,
		results=[],
	)


def finish(state: frappe._dict) -> frappe._dict:
	state.finished = 1
	state.processed = len(state.results)
	state.done = sum(1 for r in state.results if r["result"] == DONE)
	state.failed = len(state.results) - state.done
	return state


def store(state: frappe._dict) -> frappe._dict:
	frappe.cache.set_value(results_key(state.job_id), state, expires_in_sec=RESULTS_TTL)
	frappe.cache.set_value(last_key(state.user), state.job_id, expires_in_sec=RESULTS_TTL)
	return state


def results_key(job_id: str) -> str:
	return f"customer_lifecycle:bulk:{job_id}"


def last_key(user: str) -> str:
	return f"customer_lifecycle:bulk:last:{user}"


# the background runs not finished yet, for the watchdog (a set in the cache)
RUNNING_KEY = "customer_lifecycle:bulk:running"


def rq_job_id(job_id: str) -> str:
	"""The run's RQ job id (frappe.enqueue's job_id)."""
	return f"customer_lifecycle.bulk.{job_id}"


def run_key(job_id: str) -> str:
	"""The key of a background run's sign of life (jobs.Run)."""
	return f"bulk:{job_id}"


def stop_watching(job_id: str) -> None:
	frappe.cache.srem(RUNNING_KEY, job_id)


def start(action: str, names: list[str], params: frappe._dict) -> dict:
	"""Run a checked selection: in the request up to BULK_INLINE customers, otherwise as a job. Returns
	{job_id, action, total, processed, finished, done, failed, results: [{customer, customer_name,
	result, message}]}; a large selection returns at once with finished = 0, then reports progress
	(PROGRESS_EVENT, and `processed` in `results` for a desk without a realtime connection)."""
	job_id = frappe.generate_hash(length=12)
	state = new_state(job_id, action, names, params)
	if len(names) <= BULK_INLINE:
		state.results = run_rows(action, names, params)
		return store(finish(state))
	enqueue(state)
	return state


def enqueue(state: frappe._dict) -> None:
	"""Store the state and queue the background run of its customers (those without results)."""
	store(state)
	frappe.cache.sadd(RUNNING_KEY, state.job_id)
	# the short queue, as Frappe's own bulk actions: someone is waiting for it
	frappe.enqueue(
		run_job,
		queue="short",
		timeout=max(600, 2 * len(state.names)),
		job_id=rq_job_id(state.job_id),
		deduplicate=True,
		enqueue_after_commit=True,
		job=state.job_id,
		action=state.action,
		names=state.names,
		params=state.params,
	)


def resume(job_id: str) -> dict:
	"""Run the rest of a background run that stopped (its worker died): the customers it has no
	result for. Returns the state, running again."""
	state = results(job_id)
	if not state:
		frappe.throw(_("These bulk action results are no longer kept (an hour after the run)."))
	state = frappe._dict(state)
	if not state.get("stopped"):
		frappe.throw(_("This bulk action did not stop before its end: there is nothing left to run."))
	state.update(finished=0, stopped=None, started=time.time())
	enqueue(state)
	return state


def why_stopped(state: dict) -> str | None:
	"""None while a background run is queued or running with a live worker; else why it stopped."""
	return jobs.why_dead(
		jobs.Run.read(run_key(state["job_id"])),
		job_id=rq_job_id(state["job_id"]),
		since=state.get("started"),
		last_seen=state.get("started"),
		stale_after=jobs.STALE,
	)


def fail_dead_runs() -> list[str]:
	"""The watchdog's check (utils/jobs.py): a background run whose worker died is marked stopped,
	with the reason and the results of the customers it did; the person who started it is told
	(realtime) and may run the rest (`resume`). Returns the runs marked."""
	stopped = []
	for job_id in frappe.cache.smembers(RUNNING_KEY):
		job_id = frappe.safe_decode(job_id)
		state = frappe.cache.get_value(results_key(job_id), expires=True)
		if not state or state.get("finished"):
			stop_watching(job_id)
			continue
		reason = why_stopped(state)
		if not reason:
			continue
		state = finish(frappe._dict(state))
		state.stopped = _("The run stopped before it ended: {0}. It had done {1} of {2} customers.").format(
			reason, state.processed, state.total
		)
		store(state)
		stop_watching(job_id)
		jobs.Run(run_key(job_id)).end()
		jobs.bury(jobs.full_job_id(rq_job_id(job_id)), reason)
		frappe.publish_realtime(
			PROGRESS_EVENT,
			{"job_id": job_id, "done": state.processed, "total": state.total, "finished": 1, "stopped": 1},
			user=state.user,
		)
		stopped.append(job_id)
	return stopped


def results(job_id: str | None = None) -> dict | None:
	"""The state and results of a bulk run the current user started (their latest when no job_id),
	for an hour after it finished. None when there is nothing (any more)."""
	user = frappe.session.user
	job_id = job_id or frappe.cache.get_value(last_key(user), expires=True)
	state = frappe.cache.get_value(results_key(job_id), expires=True) if job_id else None
	if state and state.get("user") != user and user != "Administrator":
		frappe.throw(_("These bulk action results belong to another user."), frappe.PermissionError)
	return state
