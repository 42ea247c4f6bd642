"""What the fault tests break, all of it their own: a MariaDB server (its own data directory, socket
and port under /tmp: the machine's MariaDB is shared with other benches and CI, and is never
touched), a site on it, and RQ workers that take only that site's jobs.

A site's jobs go to queues named after its bench id (Frappe's generate_qname); the fault site has a
bench id of its own in its site_config, and its workers are started with that site's config, so
the bench's own worker never takes its jobs, and killing the fault site's worker kills nobody
else's work."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from contextlib import suppress
from pathlib import Path

ROOT_PASSWORD = "faults"


def wait_for(condition, timeout: float = 60, what: str = "the condition", every: float = 0.2):
	"""Poll `condition` until it returns something true (returned), or fail after `timeout` s."""
	deadline = time.monotonic() + timeout
	while True:
		value = condition()
		if value:
			return value
		if time.monotonic() > deadline:
			raise AssertionError(f"waited {timeout:.0f} s for {what}")
		time.sleep(every)


def find(*names: str) -> str:
	for name in names:
		found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin")
		if found:
			return found
	raise AssertionError(f"none of {names} is installed (the mariadb-server package has them)")


def free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


class OwnMariaDB:
	"""A MariaDB server the test owns: made in a fresh data directory, started, killed with SIGKILL
	(as a crash), started again on the same data (InnoDB recovers what was committed)."""

	def __init__(self):
		self.dir = Path(tempfile.mkdtemp(prefix="cl-faults-mariadb-"))
		self.data, self.socket = self.dir / "data", self.dir / "mysqld.sock"
		self.port = free_port()
		self.process: subprocess.Popen | None = None
		self.kills = 0

	def start(self) -> "OwnMariaDB":
		fresh = not self.data.exists()
		if fresh:
			done = subprocess.run(
				[
					find("mariadb-install-db", "mysql_install_db"),
					"--no-defaults",
					f"--datadir={self.data}",
					"--auth-root-authentication-method=normal",
					"--skip-test-db",
				],
				capture_output=True,
				text=True,
				timeout=300,
				check=False,
			)
			assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
		self.process = subprocess.Popen(
			[
				find("mariadbd", "mysqld"),
				"--no-defaults",
				f"--datadir={self.data}",
				f"--socket={self.socket}",
				f"--port={self.port}",
				"--bind-address=127.0.0.1",
				f"--pid-file={self.dir / 'mysqld.pid'}",
				f"--log-error={self.dir / 'error.log'}",
				"--character-set-server=utf8mb4",
				"--collation-server=utf8mb4_unicode_ci",
				"--skip-log-bin",
				"--innodb-buffer-pool-size=128M",
				"--max-connections=300",
			],
			stdout=subprocess.DEVNULL,
			stderr=subprocess.DEVNULL,
			start_new_session=True,
		)
		wait_for(self.answers, 120, f"MariaDB on port {self.port} (see {self.dir / 'error.log'})")
		if fresh:
			# every root account the install made, on the one connection (the first ALTER already
			# changes the password this connection came in with)
			connection = self.connect(password="")
			try:
				with connection.cursor() as cursor:
					cursor.execute("select host from mysql.user where user = 'root'")
					for (host,) in cursor.fetchall():
						cursor.execute(f"ALTER USER 'root'@'{host}' IDENTIFIED BY '{ROOT_PASSWORD}'")
			finally:
				connection.close()
		return self

	def connect(self, password: str = ROOT_PASSWORD, **kwargs):
		import pymysql

		return pymysql.connect(
			host="127.0.0.1", port=self.port, user="root", password=password, connect_timeout=2, **kwargs
		)

	def answers(self) -> bool:
		if self.process and self.process.poll() is not None:
			raise AssertionError(
				f"MariaDB exited ({self.process.returncode}): {(self.dir / 'error.log').read_text()[-2000:]}"
			)
		for password in (ROOT_PASSWORD, ""):
			try:
				self.connect(password).close()
				return True
			except Exception:
				continue
		return False

	def root_sql(self, sql: str, password: str = ROOT_PASSWORD):
		connection = self.connect(password)
		try:
			with connection.cursor() as cursor:
				cursor.execute(sql)
				return cursor.fetchall()
		finally:
			connection.close()

	def kill(self) -> None:
		"""SIGKILL: the server dies as in a crash, in the middle of whatever it was doing."""
		self.process.send_signal(signal.SIGKILL)
		self.process.wait(60)
		self.kills += 1

	def stop(self) -> None:
		if self.process and self.process.poll() is None:
			self.process.terminate()
			try:
				self.process.wait(120)
			except subprocess.TimeoutExpired:
				self.kill()

	def remove(self) -> None:
		self.stop()
		shutil.rmtree(self.dir, ignore_errors=True)


class OwnWorker:
	"""An RQ worker (Frappe's start_worker) with the fault site's config, so it listens on that site's
	queues only. Its job's work horse is a fork of it."""

	def __init__(self, bench_dir: str, site: str, log: Path):
		self.bench_dir, self.site, self.log = bench_dir, site, log
		self.process: subprocess.Popen | None = None

	def start(self) -> "OwnWorker":
		launcher = (
			"import frappe\n"
			f"frappe.init(site={self.site!r}, sites_path='.')\n"
			"from frappe.utils.background_jobs import start_worker\n"
			"start_worker(queue='short,default,long')\n"
		)
		with open(self.log, "a") as log:
			self.process = subprocess.Popen(
				[os.path.join(self.bench_dir, "env", "bin", "python"), "-c", launcher],
				cwd=os.path.join(self.bench_dir, "sites"),
				stdout=log,
				stderr=subprocess.STDOUT,
				start_new_session=True,
			)
		return self

	@property
	def pid(self) -> int:
		return self.process.pid

	def alive(self) -> bool:
		return self.process is not None and self.process.poll() is None

	def kill(self) -> list[int]:
		"""SIGKILL the worker, then its work horse (RQ puts the horse in a session of its own, so it is
		not in the worker's process group), as when the machine or an OOM killer takes them: the
		worker is gone before the horse, so nothing is left to mark the job ended. Returns the pids."""
		import psutil

		children = psutil.Process(self.pid).children(recursive=True)
		os.killpg(self.pid, signal.SIGKILL)
		for child in children:
			with suppress(psutil.Error):
				child.kill()
		self.process.wait(30)
		for child in children:
			with suppress(psutil.Error):
				child.wait(30)
		return [self.pid] + [child.pid for child in children]

	def stop(self) -> None:
		if self.alive():
			os.killpg(self.pid, signal.SIGTERM)
			try:
				self.process.wait(60)
			except subprocess.TimeoutExpired:
				os.killpg(self.pid, signal.SIGKILL)


def on_site(site: str, work, *args, **kwargs):
	"""work(*args, **kwargs) connected to `site` as Administrator, in a thread of its own (the test's
	own connection stays on the test site); its result, or its exception raised here."""
	import frappe

	outcome = {}
	sites_path = os.getcwd()

	def run():
		frappe.init(site=site, sites_path=sites_path)
		try:
			frappe.connect()
			frappe.set_user("Administrator")
			outcome["value"] = work(*args, **kwargs)
			frappe.db.commit()
		except BaseException as e:
			outcome["error"] = e
			with suppress(Exception):
				frappe.db.rollback()
		finally:
			frappe.destroy()

	thread = threading.Thread(target=run)
	thread.start()
	thread.join(600)
	if "error" in outcome:
		raise outcome["error"]
	return outcome.get("value")


class Holding(threading.Thread):
	"""A transaction on the site that holds row locks (its `sql` run FOR UPDATE) until `release`,
	so that a job that needs those rows waits there, in the middle of its work, where the test kills
	it. If the database dies meanwhile, the lock goes with it."""

	def __init__(self, site: str, sql: str, values=None):
		super().__init__(daemon=True)
		self.site, self.sql, self.values = site, sql, values
		self.held, self.done = threading.Event(), threading.Event()
		self.rows, self.error = None, None

	def run(self):
		import frappe

		frappe.init(site=self.site, sites_path=os.getcwd())
		try:
			frappe.connect()
			# no values at all when none are given (Frappe reads None as one value)
			self.rows = frappe.db.sql(self.sql, *([] if self.values is None else [self.values]))
			self.held.set()
			self.done.wait(600)
			with suppress(Exception):
				frappe.db.rollback()
		except BaseException as e:
			self.error = e
			self.held.set()
		finally:
			with suppress(Exception):
				frappe.destroy()

	def __enter__(self) -> "Holding":
		self.start()
		self.held.wait(60)
		if self.error:
			raise self.error
		return self

	def release(self) -> None:
		self.done.set()
		self.join(60)

	def __exit__(self, *exc) -> None:
		self.release()


def unique(prefix: str) -> str:
	return f"{prefix}-{uuid.uuid4().hex[:8]}"
