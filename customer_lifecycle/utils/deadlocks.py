"""Deadlocks nobody sees: a transaction the database chose as a deadlock's victim (or whose lock wait
timed out) is undone and run again, as Frappe runs a background job again
(frappe.utils.background_jobs.execute_job: after a rollback, up to five times).

Frappe's REST layer does not: it answers 508, and the desk shows "Another transaction is blocking
this one. Please try again". `retry_deadlocks` does for the app's whitelisted methods what the job
runner does for jobs, but only where the method is its transaction's whole work (nothing written
before it), so that the rollback undoes nothing but what it is about to do again.
"""

import functools
import random
import time

import frappe

# as execute_job
RETRIES = 5
# how many attempts were undone and run again, on this site (a figure for the soak)
RETRIED_KEY = "customer_lifecycle:deadlocks_retried"


def is_retryable(error: BaseException) -> bool:
	return isinstance(error, frappe.QueryDeadlockError | frappe.QueryTimeoutError)


def pause(attempt: int, someone_waits: bool = True) -> None:
	"""Before attempt `attempt` + 1: a job waits as execute_job does (1 s, 2 s, ...); a request,
	where someone waits for the answer, a fraction of that, spread so the two sides meet no more.
	Counted (`retried`)."""
	frappe.cache.incr(frappe.cache.make_key(RETRIED_KEY))
	time.sleep(random.uniform(0.05, 0.25) * (attempt + 1) if someone_waits else attempt + 1)


def retry_deadlocks(method):
	"""Decorator for a whitelisted method: run it again after a deadlock or lock wait timeout, up to
	RETRIES times, when it began its transaction (no write before it); else let the error through."""

	@functools.wraps(method)
	def run(*args, **kwargs):
		fresh = not frappe.db.transaction_writes
		attempt = 0
		while True:
			messages = len(frappe.local.message_log)
			try:
				return method(*args, **kwargs)
			except Exception as e:
				if not (fresh and is_retryable(e) and attempt < RETRIES):
					raise
				frappe.db.rollback()
				# what the undone attempt told the user is not said twice
				del frappe.local.message_log[messages:]
				pause(attempt)
				attempt += 1

	return run


def retried() -> int:
	"""How many attempts were undone after a deadlock and run again on this site, so far."""
	return int(frappe.cache.get(frappe.cache.make_key(RETRIED_KEY)) or 0)
