"""How far the read replica lags, and what reading from it costs (README: "Reads from a replica").

Needs a site whose config names a replica (`read_from_replica`, `replica_host`, `replica_db_port`);
without one it says so and measures nothing.

- lag of one small write: a customer's field set and committed on the primary, then read through the
  site's own user on the replica until it shows (the time a screen on the replica is behind the form)
- lag of a large transaction: 5,000 Customer Notes committed at once, until the replica has them all
- the 360 summary as a request makes it: a fresh replica connection (Frappe's read_only opens one per
  request) plus the query, beside the same on the primary, and beside Frappe's own read_only
  reportview.get_count as the floor
"""

import time

import frappe
from frappe.utils import now

from customer_lifecycle.api.customer360 import summary as summary_api
from customer_lifecycle.benchmarks.customer360 import ensure_customer
from customer_lifecycle.benchmarks.stats import percentile, summary, time_each
from customer_lifecycle.utils.doctypes import CUSTOMER

BULK_NOTES = 5000
POLL_SECONDS = 0.0005


def main(customers: int, inserts: int, samples: int, echo=print) -> dict:
	conf = frappe.conf
	if not (conf.read_from_replica and conf.replica_host and conf.replica_db_port):
		echo(
			"This site has no read replica (read_from_replica, replica_host, replica_db_port): nothing measured"
		)
		return {}
	frappe.set_user("Administrator")
	customer = ensure_customer()
	frappe.db.commit()
	replica = replica_connection()
	figures = {}
	try:
		ms = [lag_of_one_write(replica, customer) for _ in range(min(samples, 200))]
		echo(summary("Replica lag of one committed field change (commit to visible)", ms, "p95 <= 50 ms"))
		figures.update(small_lag_p50_ms=percentile(ms, 50), small_lag_p95_ms=percentile(ms, 95))
		bulk = lag_of_bulk_write(replica, customer)
		echo(f"Replica lag of one transaction of {BULK_NOTES:,} Customer Notes: {bulk:.0f} ms after commit")
		figures["bulk_lag_ms"] = bulk
	finally:
		replica.close()

	for label, on_replica in (("primary", False), ("replica", True)):
		figures[f"summary_{label}_p50_ms"] = request_read(
			f"360 summary on the {label}, as a request",
			lambda: summary_api(customer),
			on_replica,
			samples,
			echo,
		)
	from frappe.desk.reportview import get_count

	def frappe_count():
		frappe.local.form_dict = frappe._dict(doctype=CUSTOMER)
		return get_count()

	for label, on_replica in (("primary", False), ("replica", True)):
		figures[f"frappe_get_count_{label}_p50_ms"] = request_read(
			f"Frappe's own reportview.get_count on the {label} (floor)",
			frappe_count,
			on_replica,
			samples,
			echo,
		)
	return figures


def replica_connection():
	"""A connection to the replica as Frappe's read_only makes one (its credentials settings
	included), kept apart from the site's connection, which stays on the primary."""
	frappe.connect_replica()
	replica, frappe.local.db = frappe.local.db, frappe.local.primary_db
	del frappe.local.replica_db, frappe.local.primary_db
	return replica


def lag_of_one_write(replica, customer: str) -> float:
	token = frappe.generate_hash(length=12)
	frappe.db.set_value(CUSTOMER, customer, "notes", token, update_modified=False)
	frappe.db.commit()
	started = time.perf_counter()
	while replica.sql(f"select notes from `tab{CUSTOMER}` where name = %s", customer)[0][0] != token:
		replica.rollback()
		time.sleep(POLL_SECONDS)
	replica.rollback()
	return (time.perf_counter() - started) * 1000


def lag_of_bulk_write(replica, customer: str) -> float:
	if not frappe.db.exists("DocType", "Customer Note"):
		return 0.0
	tag = frappe.generate_hash(length=8)
	stamp = now()
	frappe.db.bulk_insert(
		"Customer Note",
		["name", "customer", "content", "visibility", "owner", "creation", "modified", "modified_by"],
		[
			(
				f"bench-{tag}-{i}",
				customer,
				f"<p>Replica note {i}</p>",
				"Internal",
				"Administrator",
				stamp,
				stamp,
				"Administrator",
			)
			for i in range(BULK_NOTES)
		],
	)
	frappe.db.commit()
	started = time.perf_counter()
	sql = "select count(*) from `tabCustomer Note` where name like %s"
	while replica.sql(sql, f"bench-{tag}-%")[0][0] < BULK_NOTES:
		replica.rollback()
		time.sleep(POLL_SECONDS)
	replica.rollback()
	lag = (time.perf_counter() - started) * 1000
	frappe.db.delete("Customer Note", {"name": ["like", f"bench-{tag}-%"]})
	frappe.db.commit()
	return lag


def request_read(label: str, read, on_replica: bool, samples: int, echo) -> float:
	"""Time read() as a request runs it: under Frappe's read_only, with its fresh replica connection
	(a request starts without one), or on the primary with the switch off."""
	conf = frappe.local.conf
	configured = conf.read_from_replica

	def once(i):
		# Frappe keeps these on frappe.local for the rest of a request: a new request has neither
		for attr in ("replica_db", "primary_db"):
			if hasattr(frappe.local, attr):
				delattr(frappe.local, attr)
		frappe.read_only()(read)()

	conf.read_from_replica = 1 if on_replica else 0
	try:
		once(0)
		ms = time_each(once, samples)
	finally:
		conf.read_from_replica = configured
	echo(summary(label, ms))
	return percentile(ms, 50)
