"""Reads from a replica (issue 18 §4): the served test site has a second MariaDB, a real replica of
the first (binlog and GTID replication, read_only), named in its config as Frappe reads it
(`read_from_replica`, `replica_host`, `replica_db_port`). ./dev.sh test starts it
(.ci/mariadb-replica.sh); without one these tests fail and say so.

Over HTTP, as staff and a portal user would: reports (live and prepared), the list, the 360 summary
and the portal pages read from the replica; the form, lifecycle actions, payments and imports use the
primary. The lag test stops replication, writes, shows each of those screens reading the old value
while the write has landed on the primary, then starts replication and shows them catch up."""

import json
import os
import time
import uuid

import frappe
from frappe.installer import update_site_config
import pymysql
import pytest
import requests

from customer_lifecycle.portal.pages import PORTAL_PAGES
from tests.factories import make_portal_customer
from tests.helpers import PASSWORD

LIVE_REPORT = "Customer Overview"
PREPARED_REPORT = "Revenue by Customer"
# the worker takes the short and default queues first: a job may wait behind others
JOB_WAIT = 300


class Servers:
	"""Root connections to the site's primary and its replica."""

	def __init__(self, conf, root_password: str):
		def connect(host, port):
			return pymysql.connect(
				host=host,
				port=int(port),
				user="root",
				password=root_password,
				autocommit=True,
				charset="utf8mb4",
			)

		self.db_name = conf.db_name
		self.primary = connect(conf.get("db_host") or "127.0.0.1", conf.get("db_port") or 3306)
		self.replica = connect(conf.replica_host, conf.replica_db_port)

	def one(self, conn, sql: str, args=None):
		with conn.cursor(pymysql.cursors.DictCursor) as cur:
			cur.execute(sql, args)
			return cur.fetchone()

	def slave_status(self) -> dict:
		return self.one(self.replica, "SHOW SLAVE STATUS") or {}

	def caught_up(self, timeout: int = 60) -> float:
		"""Wait until the replica has applied everything the primary has written; the seconds it took."""
		started = time.monotonic()
		position = self.one(self.primary, "SELECT @@gtid_binlog_pos AS pos")["pos"]
		waited = self.one(self.replica, "SELECT MASTER_GTID_WAIT(%s, %s) AS waited", (position, timeout))[
			"waited"
		]
		assert waited == 0, f"the replica did not reach the primary's position {position} in {timeout} s"
		return time.monotonic() - started

	def customer_name(self, conn, customer: str) -> str:
		row = self.one(
			conn, f"SELECT customer_name FROM `{self.db_name}`.`tabCustomer` WHERE name = %s", customer
		)
		return row["customer_name"]


@pytest.fixture(scope="module")
def servers(site):
	conf = frappe._dict(frappe.get_site_config())
	missing = [key for key in ("replica_host", "replica_db_port") if not conf.get(key)]
	if missing:
		pytest.fail(
			f"The test site has no read replica: {', '.join(missing)} missing from its site_config.json. "
			"./dev.sh test starts one (.ci/mariadb-replica.sh) and sets them.",
			pytrace=False,
		)
	try:
		s = Servers(conf, os.environ.get("CL_DB_ROOT_PASSWORD", "root"))
	except pymysql.err.OperationalError as e:
		pytest.fail(
			f"The read replica at {conf.replica_host}:{conf.replica_db_port} does not answer: {e}",
			pytrace=False,
		)
	status = s.slave_status()
	if status.get("Slave_IO_Running") != "Yes" or status.get("Slave_SQL_Running") != "Yes":
		pytest.fail(
			f"The read replica at {conf.replica_host}:{conf.replica_db_port} is not replicating: "
			f"IO {status.get('Slave_IO_Running')}, SQL {status.get('Slave_SQL_Running')}, "
			f"{status.get('Last_IO_Error') or status.get('Last_SQL_Error') or 'no replication configured'}",
			pytrace=False,
		)
	# the served site reads from the replica while these tests run (Frappe reads the site config on
	# each request); the other suites read what they have just written, so they use the primary
	update_site_config("read_from_replica", 1)
	try:
		yield s
	finally:
		update_site_config("read_from_replica", 0)
	# whatever a test did, replication runs again for the suites after this one
	s.replica.cursor().execute("START SLAVE")
	s.primary.close()
	s.replica.close()


@pytest.fixture(scope="module")
def portal_customer(servers):
	"""A customer with a portal login, an open invoice and a payment, committed and replicated."""
	frappe.set_user("Administrator")
	who = make_portal_customer("replica")
	frappe.db.commit()
	servers.caught_up()
	return who


@pytest.fixture(scope="module")
def portal_client(portal_customer, base_url):
	s = requests.Session()
	r = s.post(
		f"{base_url}/api/method/login", data={"usr": portal_customer.user, "pwd": PASSWORD}, timeout=30
	)
	assert r.status_code == 200, r.text
	return s


def test_the_replica_is_a_real_gtid_replica_of_the_primary(servers):
	primary = servers.one(
		servers.primary, "SELECT @@log_bin AS log_bin, @@server_id AS id, @@binlog_format AS fmt"
	)
	replica = servers.one(servers.replica, "SELECT @@read_only AS read_only, @@server_id AS id")
	status = servers.slave_status()
	assert primary["log_bin"] == 1 and primary["fmt"] == "ROW"
	assert replica["read_only"] == 1, "the replica must refuse writes that reach it by mistake"
	assert replica["id"] != primary["id"]
	assert status["Using_Gtid"] == "Slave_Pos"
	assert int(status["Master_Port"]) == servers.primary.port
	# the site's own database user (the one Frappe reads with) may read the replica, not write it
	conf = frappe.get_site_config()
	as_site = pymysql.connect(
		host=conf["replica_host"],
		port=int(conf["replica_db_port"]),
		user=conf["db_name"],
		password=conf["db_password"],
		database=conf["db_name"],
	)
	with as_site.cursor() as cur:
		cur.execute("SELECT count(*) FROM tabCustomer")
		with pytest.raises(pymysql.err.OperationalError, match="read-only"):
			cur.execute("UPDATE tabCustomer SET modified = modified LIMIT 1")
	as_site.close()


def test_every_report_and_portal_page_runs_on_the_replica(servers, http, base_url, portal_client):
	"""The replica is read_only: a report or page that wrote anything would fail here."""
	manager = http("manager")
	reports = frappe.get_all(
		"Report",
		filters={"module": ["in", frappe.get_module_list("customer_lifecycle")], "is_standard": "Yes"},
		pluck="name",
	)
	assert LIVE_REPORT in reports and PREPARED_REPORT in reports
	for report in reports:
		r = manager.get(
			f"{base_url}/api/method/frappe.desk.query_report.run",
			params={"report_name": report, "filters": "{}", "ignore_prepared_report": 1},
			timeout=120,
		)
		assert r.status_code == 200, f"{report}: {r.status_code} {r.text[:300]}"
	for page in PORTAL_PAGES:
		r = portal_client.get(f"{base_url}{page}", timeout=30)
		assert r.status_code == 200, f"{page}: {r.status_code}"


def test_a_report_refuses_bad_input_on_the_replica_as_on_the_primary(servers, http, base_url):
	"""Frappe logs a report's exception as an Error Log on the connection it reads with: on the
	replica that insert failed, and the refusal became a 500. It is a 417 naming the field, and the
	Error Log reaches the primary (deferred) instead."""
	manager = http("manager")
	refused = {}
	for report in ("Revenue by Customer", "Customer Payments", "Lifecycle Funnel"):
		r = manager.post(
			f"{base_url}/api/method/frappe.desk.query_report.run",
			data={
				"report_name": report,
				"filters": json.dumps({"from_date": "no date", "to_date": "2026-01-01"}),
				"ignore_prepared_report": 1,
			},
			timeout=60,
		)
		refused[report] = (r.status_code, r.text)
	for report, (status, text) in refused.items():
		assert status == 417, f"{report}: {status} {text[:300]}"
		assert "From Date" in text, f"{report}: {text[:300]}"
	# and the same report with good filters still reads from the replica
	r = manager.post(
		f"{base_url}/api/method/frappe.desk.query_report.run",
		data={"report_name": "Revenue by Customer", "filters": "{}", "ignore_prepared_report": 1},
		timeout=60,
	)
	assert r.status_code == 200, r.text[:300]


def test_while_replication_is_stopped_reads_are_stale_and_writes_land_on_the_primary(
	servers, http, base_url, portal_customer, portal_client
):
	manager = http("manager")
	customer, old_name = portal_customer.name, portal_customer.customer_name
	new_name = f"Renamed {uuid.uuid4().hex[:8]}"

	def summary() -> dict:
		r = manager.get(
			f"{base_url}/api/method/customer_lifecycle.api.customer360.summary",
			params={"customer": customer},
			timeout=30,
		)
		assert r.status_code == 200, r.text
		return r.json()["message"]

	def listed() -> dict:
		r = manager.get(
			f"{base_url}/api/method/frappe.desk.reportview.get",
			params={
				"doctype": "Customer",
				"fields": json.dumps(["name", "customer_name", "lifecycle_status", "balance"]),
				"filters": json.dumps([["Customer", "name", "=", customer]]),
			},
			timeout=30,
		)
		assert r.status_code == 200, r.text
		message = r.json()["message"]
		return dict(zip(message["keys"], message["values"][0], strict=True))

	def report_text(report: str, **params) -> str:
		r = manager.get(
			f"{base_url}/api/method/frappe.desk.query_report.run",
			params={"report_name": report, "filters": json.dumps({"customer": customer}), **params},
			timeout=120,
		)
		assert r.status_code == 200, r.text
		return json.dumps(r.json()["message"].get("result"))

	def portal_page() -> str:
		r = portal_client.get(f"{base_url}/portal", timeout=30)
		assert r.status_code == 200
		return r.text

	def form() -> dict:
		r = manager.get(f"{base_url}/api/resource/Customer/{customer}", timeout=30)
		assert r.status_code == 200, r.text
		return r.json()["data"]

	before = summary()
	assert before["customer_name"] == old_name and listed()["customer_name"] == old_name
	assert old_name in report_text(LIVE_REPORT) and old_name in portal_page()

	servers.replica.cursor().execute("STOP SLAVE")
	try:
		# writes, each through the app's own path, answered from the primary
		r = manager.put(
			f"{base_url}/api/resource/Customer/{customer}", json={"customer_name": new_name}, timeout=30
		)
		assert r.status_code == 200, r.text
		r = manager.post(
			f"{base_url}/api/method/customer_lifecycle.api.billing.record_payment",
			data={"customer": customer, "amount": 25, "method": "Bank Transfer"},
			timeout=30,
		)
		assert r.status_code == 200, r.text
		payment, balance_after = r.json()["message"]["name"], r.json()["message"]["balance"]
		assert balance_after == before["balance"] - 25
		actions = manager.get(
			f"{base_url}/api/method/customer_lifecycle.api.lifecycle.get_actions",
			params={"customer": customer},
			timeout=30,
		).json()["message"]
		action = actions[0]
		r = manager.post(
			f"{base_url}/api/method/customer_lifecycle.api.lifecycle.apply_action",
			data={"customer": customer, "action": action["action"], "reason": "replica lag test"},
			timeout=30,
		)
		assert r.status_code == 200, r.text
		imported = import_one_customer(manager, base_url)

		# the writes are on the primary, and not on the stopped replica
		assert servers.customer_name(servers.primary, customer) == new_name
		assert servers.customer_name(servers.replica, customer) == old_name
		for table, name in (("Customer Payment", payment), ("Customer", imported)):
			sql = f"SELECT count(*) AS n FROM `{servers.db_name}`.`tab{table}` WHERE name = %s"
			assert servers.one(servers.primary, sql, name)["n"] == 1
			assert servers.one(servers.replica, sql, name)["n"] == 0
		# the form reads the primary
		assert form()["customer_name"] == new_name
		assert form()["lifecycle_status"] == action["next_state"]

		# the screens that read the replica show what it has: the old name, state and balance
		stale = summary()
		assert stale["customer_name"] == old_name
		assert stale["lifecycle_status"] == before["lifecycle_status"]
		assert stale["balance"] == before["balance"]
		row = listed()
		assert (row["customer_name"], row["balance"]) == (old_name, before["balance"])
		text = report_text(LIVE_REPORT)
		assert old_name in text and new_name not in text
		page = portal_page()
		assert old_name in page and new_name not in page
		# a prepared report runs in the worker, on the replica: its result is the replica's view
		prepared = run_prepared_report(manager, base_url, servers, customer)
		data = frappe.get_doc("Prepared Report", prepared).get_prepared_data().decode()
		assert old_name in data and new_name not in data
	finally:
		servers.replica.cursor().execute("START SLAVE")

	caught_up_in = servers.caught_up()
	print(f"\nreplica caught up {caught_up_in * 1000:.0f} ms after START SLAVE")
	fresh = summary()
	assert fresh["customer_name"] == new_name
	assert fresh["lifecycle_status"] == action["next_state"]
	assert fresh["balance"] == balance_after
	assert listed()["customer_name"] == new_name
	assert new_name in report_text(LIVE_REPORT)
	assert new_name in portal_page()
	# the prepared result was made while the replica lagged: it keeps its old view until run again
	kept = report_text(PREPARED_REPORT, prepared_report_name=prepared)
	assert old_name in kept and new_name not in kept
	again = run_prepared_report(manager, base_url, servers, customer)
	assert new_name in frappe.get_doc("Prepared Report", again).get_prepared_data().decode()


def run_prepared_report(session, base_url, servers, customer: str) -> str:
	"""Queue the prepared report for one customer as the desk does, and wait for the worker."""
	r = session.post(
		f"{base_url}/api/method/frappe.core.doctype.prepared_report.prepared_report.make_prepared_report",
		data={"report_name": PREPARED_REPORT, "filters": json.dumps({"customer": customer})},
		timeout=30,
	)
	assert r.status_code == 200, r.text
	name = r.json()["message"]["name"]
	deadline = time.monotonic() + JOB_WAIT
	while time.monotonic() < deadline:
		# read on the primary, where the worker records it
		frappe.db.rollback()
		status = frappe.db.get_value("Prepared Report", name, ["status", "error_message"], as_dict=True)
		if status.status in ("Completed", "Error"):
			break
		time.sleep(0.5)
	assert status.status == "Completed", status.error_message
	return name


def import_one_customer(session, base_url) -> str:
	"""A Customer Import of a one-row file over HTTP, run by the worker; the customer it made."""
	email = f"replica.{uuid.uuid4().hex[:8]}@example.com"
	csv = f"Customer Name,Customer Type,Email\nReplica Import {email},Individual,{email}\n"
	r = session.post(
		f"{base_url}/api/method/upload_file",
		files={"file": (f"replica-{uuid.uuid4().hex[:6]}.csv", csv.encode(), "text/csv")},
		data={"is_private": 1},
		timeout=30,
	)
	assert r.status_code == 200, r.text
	r = session.post(
		f"{base_url}/api/resource/Customer Import",
		json={"import_file": r.json()["message"]["file_url"]},
		timeout=30,
	)
	assert r.status_code == 200, r.text
	name = r.json()["data"]["name"]
	r = session.post(
		f"{base_url}/api/method/customer_lifecycle.customers.doctype.customer_import.customer_import.start_import",
		data={"name": name},
		timeout=30,
	)
	assert r.status_code == 200, r.text
	deadline = time.monotonic() + JOB_WAIT
	while time.monotonic() < deadline:
		doc = session.get(f"{base_url}/api/resource/Customer Import/{name}", timeout=30).json()["data"]
		if doc["status"] not in ("Pending", "Queued", "Running"):
			break
		time.sleep(0.5)
	assert doc["status"] == "Completed" and doc["inserted"] == 1, doc
	frappe.db.rollback()
	return frappe.db.get_value("Customer", {"email": email}, "name")
