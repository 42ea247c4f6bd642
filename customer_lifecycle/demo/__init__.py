"""Demo data: a firm's last 18 months, with every module in use (`bench --site S customer-lifecycle
demo`, and so `./dev.sh start`).

The steps, each in its own module: customers with their lifecycle history (customers.py), the
firm's staff (staff.py), onboarding rounds (onboarding.py), billing (billing.py), what people leave
around the customers (around.py), a portal customer with a record of every kind (portal_customer.py),
birthdays and a message to the VIP customers (dates.py),
and last the nightly jobs, so that every report, number card and chart has figures on first open.

Rows are written in bulk where a controller per row would be slow, through the functions the app
computes with, so the figures are the ones the app itself would hold; nothing at runtime imports
this package."""

import time
from collections.abc import Callable

import frappe

# the demo's portal customer: its login and password
PORTAL_LOGIN = ("portal@example.com", "Portal-demo-1")
PORTAL_CUSTOMER = "Demo Portal Client"


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
	told of customers as they are written."""
	from customer_lifecycle.analytics import segments
	from customer_lifecycle.billing import invoices
	from customer_lifecycle.demo import (
		around,
		billing,
		dates,
		onboarding,
		portal_customer,
		requests,
		staff,
		time_entries,
	)
	from customer_lifecycle.demo.customers import make_customers
	from customer_lifecycle.lifecycle import dormancy

	seed = seed if seed is not None else int(time.time())
	frappe.set_user("Administrator")
	done: dict = {"customers": [], "staff": []}

	def collect(key: str, names: list[str], label: str) -> dict:
		done[key].extend(names)
		return {label: len(names)}

	steps = (
		("Customers", lambda: collect("customers", make_customers(customers, seed, progress), "customers")),
		("Staff", lambda: collect("staff", staff.make_staff(), "staff users")),
		("Onboarding", lambda: rounds(onboarding.make_rounds(done["customers"], done["staff"], seed))),
		("Billing", lambda: billing.make_billing(done["customers"], seed)),
		("Time", lambda: time_worked(time_entries, done, seed)),
		("Around the customers", lambda: around.make_around(done["customers"], done["staff"], seed)),
		("Portal customer and requests", lambda: portal_and_requests(portal_customer, requests, done)),
		("Birthdays and a message", lambda: dates_and_message(dates, done, seed)),
		("Overdue invoices and segments", lambda: jobs(invoices, segments)),
		("Dormancy", lambda: moves(dormancy.run())),
	)
	for number, (title, make) in enumerate(steps, start=1):
		started = time.monotonic()
		done[title] = make()
		frappe.db.commit()
		echo(f"[{number}/{len(steps)}] {title}: {describe(done[title])} ({time.monotonic() - started:.1f} s)")
	return done


def rounds(counts: dict) -> dict:
	return {f"{status.lower()} checklists": count for status, count in counts.items()}


def time_worked(time_entries, done: dict, seed: int) -> dict:
	"""The staff's time on engagements of some active customers, the past months' invoiced."""
	made = time_entries.make_time(done["customers"], done["staff"], seed=seed, echo=lambda *_: None)
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


def dates_and_message(dates, done: dict, seed: int) -> dict:
	"""Birth dates on some of the demo's customers and contacts, and a draft Newsletter to its VIP
	customers' consenting contacts."""
	return {**dates.make_dates(done["customers"], seed), **dates.make_message(done["customers"])}


def jobs(invoices, segments) -> dict:
	invoices.mark_overdue()
	changed = segments.update_segments()
	return {"customers with new segments": changed["changed"]}


def moves(result: dict) -> dict:
	counts = {f"moved to {state}": len(names) for state, names in result["moved"].items()}
	if result["refused"]:
		counts["refused"] = len(result["refused"])
	return counts
