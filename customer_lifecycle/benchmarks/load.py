"""The portal and the desk under load, served as in production: gunicorn with 4 workers running
Frappe's own `frappe.app:application`, an RQ worker and the scheduler, on a port of their own
(CL_LOAD_PORT, default 8096). Locust drives it (benchmarks/load_driver.py, in a process of its own).

- Mixed run (LOAD_SECONDS): 16 portal users, each of their own customer, browse every portal page
  and download their invoices' PDFs; 4 staff users (Customer Managers) page the customer list, open
  forms and record payments; everyone waits 1-3 s between pages. Portal pages p95 (PDFs apart),
  desk list p95, errors and cross-customer reads (every portal answer is checked for the caller's
  customer and for the other load customers' ids, names and invoices).
- No-wait runs (NOWAIT_SECONDS each, at NOWAIT_USERS users): portal pages per second, and Frappe's
  /api/method/ping per second measured the same way by the same users, and their ratio.

The load customers ("Load Client NN", load.portal.NN@example.com) and staff
(load.staff.N@example.com) are made once through the app's own controllers and portal invite
(demo/portal_customer.py) and reused by later runs. The site's scheduler is switched on for the run
when it was off, and back off afterwards.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager

import frappe
import requests
from frappe.utils.password import update_password
from frappe.utils.scheduler import is_scheduler_disabled, toggle_scheduler

from customer_lifecycle.benchmarks.volume import ensure_customers
from customer_lifecycle.demo import portal_customer
from customer_lifecycle.demo.staff import ensure_user
from customer_lifecycle.portal import access
from customer_lifecycle.utils.doctypes import CUSTOMER, INVOICE, MANAGER_ROLE
from customer_lifecycle.utils.stats import percentile

PORTAL_USERS = 16
STAFF_USERS = 4
PASSWORD = "Load-test-Passw0rd!"
# the no-wait runs: what the same users fetch, as printed
NOWAIT_MODES = {"portal": "portal pages", "frappe page": "Frappe's /me page", "ping": "/api/method/ping"}
LOAD_SECONDS = 60
NOWAIT_SECONDS = 15
NOWAIT_USERS = (4, 8, 16)
GUNICORN_WORKERS = 4
DEFAULT_PORT = 8096


def main(customers: int, inserts: int, samples: int, echo=print) -> dict:
	ensure_customers(customers, echo)
	plan = load_plan()
	frappe.db.commit()
	figures = {}
	with served(scheduler=True, echo=echo) as host:
		echo(
			f"gunicorn ({GUNICORN_WORKERS} workers, frappe.app:application) on {host}, an RQ worker and the"
			f" scheduler; {frappe.db.count(CUSTOMER)} customers in the table"
		)
		mixed = drive(plan, host, "mixed", LOAD_SECONDS)
		figures.update(report_mixed(mixed, echo))
		figures.update(report_nowait(plan, host, NOWAIT_SECONDS, NOWAIT_USERS, echo))
	return figures


# --- the users ---------------------------------------------------------------------------------


def load_plan(portal: int = PORTAL_USERS, staff: int = STAFF_USERS) -> dict:
	"""The load customers with their portal logins and invoices, and the staff logins (made once)."""
	frappe.set_user("Administrator")
	customers = [portal_login(i) for i in range(1, portal + 1)]
	staff_users = [staff_login(i) for i in range(1, staff + 1)]
	frappe.db.commit()
	return {"customers": customers, "portal_users": customers, "staff_users": staff_users}


def portal_login(i: int) -> dict:
	email = f"load.portal.{i:02d}@example.com"
	name = frappe.db.get_value(CUSTOMER, {"email": email}, "name")
	if not name:
		name = portal_customer.make(f"Load Client {i:02d}", email, PASSWORD).name
		frappe.db.commit()
	access.forget(email)
	if access.customers_of(email) != [name]:
		frappe.throw(f"{email} is not the portal login of {name} alone: delete {name} and run again")
	update_password(email, PASSWORD)
	invoices = frappe.get_all(
		INVOICE, filters={"customer": name, "docstatus": 1}, pluck="name", order_by="name"
	)
	return {
		"user": email,
		"password": PASSWORD,
		"name": name,
		"customer_name": frappe.db.get_value(CUSTOMER, name, "customer_name"),
		"invoices": invoices[:3],
	}


def staff_login(i: int) -> dict:
	email = f"load.staff.{i}@example.com"
	ensure_user(email, (MANAGER_ROLE,), PASSWORD, "Load", f"Staff {i}")
	return {"user": email, "password": PASSWORD}


# --- the servers -------------------------------------------------------------------------------


@contextmanager
def served(scheduler: bool = True, workers: int = GUNICORN_WORKERS, echo=print):
	"""gunicorn with `workers` workers, an RQ worker and (with `scheduler`) the scheduler, switched on
	for the site while they run; yields the base URL. Stops them all and restores the site's
	scheduler setting afterwards."""
	port = int(os.environ.get("CL_LOAD_PORT") or DEFAULT_PORT)
	if port_in_use(port):
		frappe.throw(f"Port {port} is in use: set CL_LOAD_PORT to a free one")
	sites = os.path.abspath(frappe.local.sites_path)
	logs = os.path.join(os.path.dirname(sites), "logs")
	bindir = os.path.dirname(sys.executable)
	helper = [sys.executable, "-m", "frappe.utils.bench_helper", "frappe"]
	commands = {
		"gunicorn": [
			os.path.join(bindir, "gunicorn"),
			"--chdir",
			sites,
			"--bind",
			f"127.0.0.1:{port}",
			"--workers",
			str(workers),
			"--worker-tmp-dir",
			"/dev/shm",
			"--timeout",
			"120",
			"--preload",
			"frappe.app:application",
		],
		"worker": [*helper, "worker", "--queue", "short,default,long"],
	}
	host = f"http://127.0.0.1:{port}"
	static_server_is_up(echo)
	was_off = is_scheduler_disabled(verbose=False)
	if scheduler:
		commands["scheduler"] = [*helper, "schedule"]
		if was_off:
			toggle_scheduler(True)
			frappe.db.commit()
	processes = {}
	try:
		for name, command in commands.items():
			log = open(os.path.join(logs, f"load-{name}.log"), "ab")
			processes[name] = subprocess.Popen(
				command, cwd=sites, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
			)
		wait_until_up(host, processes, echo)
		yield host
	finally:
		for process in processes.values():
			stop(process)
		if scheduler and was_off:
			toggle_scheduler(False)
			frappe.db.commit()


def static_server_is_up(echo) -> None:
	"""gunicorn serves no /assets (nginx does in production, `bench serve` in development), and the
	PDF renderer fetches the print's stylesheets from the site's host_name: it must answer."""
	url = frappe.utils.get_url()
	try:
		requests.get(f"{url}/api/method/ping", timeout=10).raise_for_status()
	except requests.RequestException as e:
		frappe.throw(
			f"The site's host_name {url} does not answer ({e}): the invoice PDFs fetch their stylesheets"
			" from it. Start the site's web server (nginx, or `bench serve`) first."
		)
	echo(f"PDF stylesheets from the site's host_name, {url}")


def port_in_use(port: int) -> bool:
	with socket.socket() as s:
		return s.connect_ex(("127.0.0.1", port)) == 0


def wait_until_up(host: str, processes: dict, echo, timeout: float = 90) -> None:
	deadline = time.monotonic() + timeout
	while time.monotonic() < deadline:
		scheduler = processes.get("scheduler")
		if scheduler and scheduler.poll() == 0:
			# Frappe's scheduler leaves at once when another holds the bench's lock: one is running
			echo("The bench's scheduler is already running in another process: that one ticks.")
			del processes["scheduler"]
		dead = [name for name, p in processes.items() if p.poll() is not None]
		if dead:
			frappe.throw(
				f"The load's {dead[0]} stopped at start (exit code {processes[dead[0]].returncode}):"
				f" see logs/load-{dead[0]}.log in the bench"
			)
		try:
			r = requests.get(
				f"{host}/api/method/ping", headers={"X-Frappe-Site-Name": frappe.local.site}, timeout=5
			)
			if r.status_code == 200:
				return
		except requests.RequestException:
			pass
		time.sleep(0.5)
	frappe.throw(f"gunicorn did not answer on {host} within {timeout:.0f} s")


def stop(process: subprocess.Popen) -> None:
	"""Stop a process this module started, and its children (its own process group)."""
	if process.poll() is not None:
		return
	os.killpg(process.pid, 15)
	try:
		process.wait(timeout=30)
	except subprocess.TimeoutExpired:
		os.killpg(process.pid, 9)
		process.wait()


# --- the runs ----------------------------------------------------------------------------------


def drive(plan: dict, host: str, mode: str, seconds: float, users: int | None = None) -> dict:
	"""One Locust run (load_driver.py) in a process of its own; its result."""
	run_plan = {
		**plan,
		"host": host,
		"site": frappe.local.site,
		"mode": mode,
		"duration_s": seconds,
		"portal_users": plan["portal_users"][:users] if users else plan["portal_users"],
	}
	with tempfile.TemporaryDirectory() as tmp:
		plan_file, out_file = os.path.join(tmp, "plan.json"), os.path.join(tmp, "out.json")
		with open(plan_file, "w") as f:
			json.dump(run_plan, f)
		done = subprocess.run(
			[sys.executable, "-m", "customer_lifecycle.benchmarks.load_driver", plan_file, out_file],
			capture_output=True,
			text=True,
			timeout=seconds + 300,
			check=False,
		)
		if done.returncode != 0 or not os.path.exists(out_file):
			raise RuntimeError(f"the load driver failed ({done.returncode}): {done.stderr[-3000:]}")
		with open(out_file) as f:
			return json.load(f)


def line(label: str, ms: list[float], target: str = "") -> str:
	if not ms:
		return f"{label}: no answers"
	text = f"{label}: p50 {percentile(ms, 50):.0f} ms, p95 {percentile(ms, 95):.0f} ms, n={len(ms)}"
	return f"{text}  (target {target})" if target else text


def report_mixed(result: dict, echo) -> dict:
	groups = result["groups"]
	echo(
		f"Mixed run, {result['window_s']:.0f} s: {PORTAL_USERS} portal users and {STAFF_USERS} staff,"
		" waiting 1-3 s between pages"
	)
	echo("  " + line("portal pages (PDFs apart)", groups.get("portal", []), "p95 <= 150 ms"))
	for page, ms in sorted(result["pages"].items()):
		if page.startswith("/portal"):
			echo("    " + line(page, ms))
	echo("  " + line("invoice PDFs", groups.get("pdf", [])))
	echo(
		"  "
		+ line(
			"desk list (frappe.desk.reportview.get, 20 rows)", groups.get("desk list", []), "p95 <= 100 ms"
		)
	)
	echo("  " + line("desk form (getdoc + 360 summary)", groups.get("desk form", [])))
	echo("  " + line("desk payment (record_payment)", groups.get("desk payment", [])))
	echo(f"  errors: {result['errors']} (target 0); cross-customer reads: {result['cross']} (target 0)")
	for sample in result["samples"][:10]:
		echo(f"    {sample}")
	figures = {"errors": result["errors"], "cross_reads": result["cross"]}
	for group, key in (("portal", "portal"), ("pdf", "pdf"), ("desk list", "desk_list")):
		if groups.get(group):
			figures[f"{key}_p95_ms"] = percentile(groups[group], 95)
	return figures


def report_nowait(plan: dict, host: str, seconds: float, steps: tuple, echo) -> dict:
	"""Portal pages per second with no waits at each step of users, then Frappe's own web page (/me)
	and ping the same way; the best of each at 0 errors, and the ratios."""
	echo(f"No-wait runs, {seconds:.0f} s each: the same portal users, no PDFs, no staff")
	best = dict.fromkeys(NOWAIT_MODES, 0.0)
	for users in steps:
		for mode, what in NOWAIT_MODES.items():
			result = drive(plan, host, mode, seconds, users=users)
			ms = result["groups"].get(mode, [])
			rate = len(ms) / result["window_s"]
			echo(
				f"  {users:>2} users, {what}: {rate:.1f}/s, errors {result['errors']},"
				f" cross reads {result['cross']}, " + line("latency", ms).split(": ", 1)[1]
			)
			for sample in result["samples"][:3]:
				echo(f"    {sample}")
			if result["errors"] == 0 and result["cross"] == 0:
				best[mode] = max(best[mode], rate)
	ratio = best["portal"] / best["ping"] if best["ping"] else 0.0
	page_ratio = best["portal"] / best["frappe page"] if best["frappe page"] else 0.0
	echo(
		f"  most portal pages/s at 0 errors: {best['portal']:.1f}; Frappe's /me page: {best['frappe page']:.1f}/s"
		f" (portal / Frappe's page: {page_ratio:.2f}); Frappe's ping: {best['ping']:.1f}/s"
		f" (portal / ping: {ratio:.2f})"
	)
	return {
		"portal_pages_per_s": best["portal"],
		"frappe_page_per_s": best["frappe page"],
		"ping_per_s": best["ping"],
		"portal_ping_ratio": ratio,
		"portal_frappe_page_ratio": page_ratio,
	}
