"""Demo data: a firm's last 18 months, with every module in use (`bench --site S customer-lifecycle
demo`, and so `./dev.sh start`).

The steps, each in its own module: customers with their lifecycle history (customers.py), the
firm's staff (staff.py), onboarding rounds (onboarding.py), billing (billing.py), what people leave
around the customers (around.py), a portal customer with a record of every kind (portal_customer.py),
and last the nightly jobs, so that every report, number card and chart has figures on first open.

Rows are written in bulk where a controller per row would be slow, through the functions the app
computes with, so the figures are the ones the app itself would hold; nothing at runtime imports
this package."""

import json
import time
from collections.abc import Callable
from contextlib import suppress

import frappe

from customer_lifecycle.utils import jobs

# the demo's portal customer: its login and password
PORTAL_LOGIN = ("portal@example.com", "Portal-demo-1")
PORTAL_CUSTOMER = "Demo Portal Client"
STEPS = (
	"Customers",
	"Staff",
	"Onboarding",
	"Billing",
	"Time",
	"Around the customers",
	"Portal customer and requests",
	"Overdue invoices and segments",
	"Dormancy",
)
# where a run records how far it got: Frappe's key-value store (DefaultValue), under a parent of the
# app's own (a "__default" key would clear the whole site's cache at every write)
RECORD_PARENT, RECORD_KEY = "customer_lifecycle", "demo_run"
# the key of the sign a run leaves in the cache when it cannot write to its record (a dead database)
SIGN_KEY = "demo"


def describe(counts: dict) -> str:
	return ", ".join(f"{value:,} {key}" for key, value in counts.items()) or "nothing to do"


def make_demo(
	customers: int = 1000,
	seed: int | None = None,
	echo: Callable[[str], None] = print,
	progress: Callable[[int], None] | None = None,
) -> dict:
	"""Make the demo on the connected site, printing each step and its time; returns the counts by
	step, and the names of the customers and staff users made (`customers`, `staff`). `progress` is
	told of customers as they are written.

	A run records how far it got in the transaction of each step (the customers of step 1 chunk by
	chunk), so a run that stops (its process killed, its database gone) is finished by the next:
	that one says where and why the last stopped, and makes the remaining steps for the same
	customers, with the same seed, instead of a new demo."""
	from customer_lifecycle.analytics import segments
	from customer_lifecycle.billing import invoices
	from customer_lifecycle.demo import (
		around,
		billing,
		onboarding,
		portal_customer,
		requests,
		staff,
		time_entries,
	)
	from customer_lifecycle.demo.customers import make_customers
	from customer_lifecycle.lifecycle import dormancy

	frappe.set_user("Administrator")
	record = begin(customers, seed if seed is not None else int(time.time()), echo)
	done: dict = {"customers": record.names, "staff": record.staff, **record.counts}

	def step(number: int, title: str, make: Callable[[], dict]) -> None:
		if number <= record.done:
			return  # made by the run that stopped
		record.update(step=number, beat=time.time())
		started = time.monotonic()
		counts = make()
		record.done, record.step = number, None
		record.counts[title] = done[title] = counts
		save(record)
		frappe.db.commit()
		echo(f"[{number}/{len(STEPS)}] {title}: {describe(counts)} ({time.monotonic() - started:.1f} s)")

	def customers_made(names: list[str]) -> None:
		record.names.extend(names)
		save(record)

	def make_the_rest_of_the_customers() -> dict:
		left = record.customers - len(record.names)
		make_customers(left, record.seed + len(record.names), progress, on_chunk=customers_made)
		return {"customers": len(record.names)}

	def make_staff() -> dict:
		record.staff = done["staff"] = staff.make_staff()
		return {"staff users": len(record.staff)}

	makers = {
		"Customers": make_the_rest_of_the_customers,
		"Staff": make_staff,
		"Onboarding": lambda: rounds(onboarding.make_rounds(record.names, record.staff, record.seed)),
		"Billing": lambda: billing.make_billing(record.names, record.seed),
		"Time": lambda: time_worked(time_entries, done, record.seed),
		"Around the customers": lambda: around.make_around(record.names, record.staff, record.seed),
		"Portal customer and requests": lambda: portal_and_requests(portal_customer, requests, done),
		"Overdue invoices and segments": lambda: jobs_run(invoices, segments),
		"Dormancy": lambda: moves(dormancy.run()),
	}
	try:
		for number, title in enumerate(STEPS, start=1):
			step(number, title, makers[title])
	except BaseException as e:
		stopped(record, e)
		raise
	frappe.defaults.set_default(RECORD_KEY, None, RECORD_PARENT)
	frappe.db.commit()
	jobs.Run(SIGN_KEY).end()
	return done


def begin(customers: int, seed: int, echo: Callable[[str], None]) -> frappe._dict:
	"""The record of this run: the last run's, when it stopped before its end (said to `echo`), or a
	new one. Refuses while another run is at work."""
	record = read_record()
	if record:
		sign = jobs.Run.read(SIGN_KEY)
		if sign and sign.sign.started == record.started and sign.sign.error:
			record.error = record.error or sign.sign.error
		reason = jobs.why_dead(jobs.Run(SIGN_KEY, record))
		if not reason:
			frappe.throw(
				f"A demo run is at work on this site (pid {record.pid} on {record.host}, since "
				f"{jobs.format_epoch(record.started)}): wait for it to end."
			)
		number = record.step or record.done + 1
		echo(
			f"The last demo run stopped at step {number}/{len(STEPS)} ({STEPS[number - 1]}): {reason}. "
			f"Finishing it for the same {record.customers:,} customers (seed {record.seed})."
		)
	else:
		record = frappe._dict(
			customers=customers, seed=seed, names=[], staff=[], done=0, step=None, counts={}
		)
	record.update(jobs.this_process(), error=None)
	save(record)
	frappe.db.commit()
	return record


def read_record() -> frappe._dict | None:
	"""The last run's record, when it did not end: read from the table (the defaults cache could
	hold what a transaction wrote and then lost)."""
	value = frappe.db.get_value(
		"DefaultValue", {"parent": RECORD_PARENT, "defkey": RECORD_KEY}, "defvalue", order_by="creation desc"
	)
	return frappe._dict(json.loads(value)) if value else None


def save(record: frappe._dict) -> None:
	frappe.defaults.set_default(RECORD_KEY, json.dumps(record), RECORD_PARENT)


def stopped(record: frappe._dict, error: BaseException) -> None:
	"""The run stopped on an error: its record says why, for the next run (when the database still
	answers; the cache keeps it otherwise). Never raises."""
	reason = "it was interrupted" if isinstance(error, KeyboardInterrupt) else jobs.describe(error)
	jobs.Run(SIGN_KEY, {"started": record.started}).failed(reason)
	with suppress(Exception):
		frappe.db.rollback()
		save(frappe._dict(read_record() or record, error=reason))
		frappe.db.commit()


def rounds(counts: dict) -> dict:
	return {f"{status.lower()} checklists": count for status, count in counts.items()}


def time_worked(time_entries, done: dict, seed: int) -> dict:
	"""The staff's time on engagements of some active customers, the past months' invoiced."""
	made = time_entries.make_time(
		done["customers"], done["staff"], seed=seed, echo=lambda *_: None, commit=False
	)
	return {
		"engagements with time": len(made.engagements),
		"time entries": made.entries,
		"invoices of time": made.invoices,
	}


def portal_and_requests(portal_customer, requests, done: dict) -> dict:
	"""The portal customer (once) with an information request in each state, and requests for a few
	of the demo's active customers."""
	counts = {"portal customers": 0, "information requests": 0}
	if not frappe.db.exists("User", PORTAL_LOGIN[0]):
		portal = portal_customer.make(PORTAL_CUSTOMER, *PORTAL_LOGIN)
		counts["portal customers"] = 1
		counts["information requests"] += len(requests.make_each_state(portal.name))
	counts["information requests"] += len(requests.scatter(done["customers"]))
	return counts


def jobs_run(invoices, segments) -> dict:
	invoices.mark_overdue()
	changed = segments.update_segments()
	return {"customers with new segments": changed["changed"]}


def moves(result: dict) -> dict:
	counts = {f"moved to {state}": len(names) for state, names in result["moved"].items()}
	if result["refused"]:
		counts["refused"] = len(result["refused"])
	return counts
