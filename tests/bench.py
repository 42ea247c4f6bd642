"""The bench, driven as a person drives it: bench commands and Python scripts on sites of their
own, for the tests of install, uninstall, migrate and coexistence."""

import json
import os
import shutil
import subprocess
import uuid

import pytest

from tests.conftest import require_env


class Bench:
	def __init__(self):
		self.dir = require_env("CL_BENCH_DIR")
		self.db_root_password = require_env("CL_DB_ROOT_PASSWORD")
		self.cli = shutil.which("bench")
		if not self.cli:
			pytest.fail("the bench CLI is not on PATH (./dev.sh test puts it there)", pytrace=False)
		self.sites: list[str] = []

	def run(self, *args: str, check: bool = True, timeout: int = 900) -> subprocess.CompletedProcess:
		"""A bench command; with `check`, a failure fails the test with its output."""
		done = subprocess.run(
			[self.cli, *args], cwd=self.dir, capture_output=True, text=True, timeout=timeout, check=False
		)
		if check:
			assert done.returncode == 0, (args, done.stdout[-3000:], done.stderr[-3000:])
		return done

	def python(self, script: str, site: str) -> str:
		"""Run a script with the bench's interpreter, connected to `site` as Administrator (bench
		execute takes only a dotted path); what it prints."""
		prelude = (
			f"import frappe\nfrappe.init(site={site!r}, sites_path='.')\nfrappe.connect()\n"
			"frappe.set_user('Administrator')\n"
		)
		done = subprocess.run(
			[os.path.join(self.dir, "env", "bin", "python"), "-c", prelude + script],
			cwd=os.path.join(self.dir, "sites"),
			capture_output=True,
			text=True,
			timeout=300,
			check=False,
		)
		assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
		return done.stdout

	def db_args(self) -> list[str]:
		return ["--db-root-username", "root", "--db-root-password", self.db_root_password]

	def new_site(self, *apps: str, prefix: str = "site") -> str:
		"""A new site with these apps, dropped by drop_all."""
		site = f"{prefix}-{uuid.uuid4().hex[:8]}.localhost"
		install = [arg for app in apps for arg in ("--install-app", app)]
		self.run("new-site", site, *self.db_args(), "--admin-password", "admin", *install)
		self.sites.append(site)
		return site

	def drop_all(self) -> None:
		for site in self.sites:
			self.run("drop-site", site, *self.db_args(), "--no-backup", "--force", check=False)
		self.sites.clear()

	def installed_apps(self, site: str) -> list[str]:
		return json.loads(self.python("import json\nprint(json.dumps(frappe.get_installed_apps()))", site))

	def snapshot(self, site: str) -> dict:
		"""{table: [columns, row count]} of every table of the site."""
		script = """
import json
tables = {}
for (table,) in frappe.db.sql("show tables"):
	columns = [c[0] for c in frappe.db.sql(f"show columns from `{table}`")]
	[[rows]] = frappe.db.sql(f"select count(*) from `{table}`")
	tables[table] = [columns, rows]
print(json.dumps(tables))
"""
		return json.loads(self.python(script, site))
