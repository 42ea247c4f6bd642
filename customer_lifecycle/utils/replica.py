"""Reading from the site's replica (Frappe's `read_from_replica`, through `frappe.read_only`)."""

from collections.abc import Callable
from functools import wraps

import frappe


def on_replica() -> bool:
	"""Whether this request reads from the replica now: Frappe's read_only has swapped the primary
	connection out (`frappe.local.primary_db`) for the replica's."""
	primary = getattr(frappe.local, "primary_db", None)
	return primary is not None and frappe.local.db is not primary


def report(execute: Callable) -> Callable:
	"""A Script Report's `execute`, given its filters as a frappe._dict, whose refusals leave the
	replica alone.

	Frappe's `query_report.run` reads the report from the replica and logs any exception it raises
	with `frappe.log_error`, which inserts the Error Log on the same connection: the replica is
	read_only, so a filter the report refuses (a 417 naming the field) became a 500 ("running with
	the --read-only option"). On the replica, the refusal raises Frappe's read-only flag before it
	leaves: `log_error` then defers the Error Log to the primary (`deferred_insert`), as it does in
	Frappe's own read-only mode, and the refusal reaches the user as it is."""

	@wraps(execute)
	def run(filters=None):
		try:
			return execute(frappe._dict(filters or {}))
		except Exception:
			# only a request needs it (query_report.run logs; a prepared report's job stores the error
			# on its Prepared Report, on the primary), and the flag lasts until the request ends
			if on_replica() and getattr(frappe.local, "request", None):
				frappe.flags.read_only = True
			raise

	return run
