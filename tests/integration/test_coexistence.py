"""One owner per DocType name (coexistence.py), tried as a new user would, with bench on new sites:

- a stand-in: a site whose admin made a custom DocType `Customer` with a record;
- the real ERPNext (from the bench; 15.99.1 on Frappe 15.101.1), in both orders: ERPNext first, then
  this app; this app first, then ERPNext;
- a migrate on a site where both claim to be installed.

Each refusal leaves the site as it was: the same tables with the same columns and rows, and the
refused app not among the installed ones.
"""

import json
import os
import shutil
import subprocess
import uuid

import pytest

from tests.conftest import require_env

APP = "customer_lifecycle"
DB_ROOT_PASSWORD = os.environ.get("CL_DB_ROOT_PASSWORD", "root")

# prints {table: [columns, rows]} for the site named in argv[1]
SNAPSHOT = """
import json, sys, frappe
frappe.init(site=sys.argv[1], sites_path=".")
frappe.connect()
tables = {}
for (table,) in frappe.db.sql("show tables"):
	columns = [c[0] for c in frappe.db.sql(f"show columns from `{table}`")]
	[[rows]] = frappe.db.sql(f"select count(*) from `{table}`")
	tables[table] = [columns, rows]
print(json.dumps(tables))
"""

# a custom DocType "Customer" with one record, as an admin makes it in the desk
CUSTOM_CUSTOMER = """
import sys, frappe
frappe.init(site=sys.argv[1], sites_path=".")
frappe.connect()
frappe.set_user("Administrator")
frappe.get_doc({
	"doctype": "DocType", "name": "Customer", "module": "Custom", "custom": 1, "autoname": "hash",
	"fields": [{"fieldname": "full_name", "label": "Full Name", "fieldtype": "Data"}],
	"permissions": [{"role": "System Manager", "read": 1, "write": 1, "create": 1}],
}).insert()
frappe.get_doc({"doctype": "Customer", "full_name": "Kept As It Was"}).insert()
frappe.db.commit()
"""

# a customer of this app's, with its contact
OUR_CUSTOMER = """
import sys, frappe
frappe.init(site=sys.argv[1], sites_path=".")
frappe.connect()
frappe.set_user("Administrator")
frappe.get_doc({"doctype": "Customer", "customer_name": "Ours Stays", "email": "ours.stays@example.com"}).insert()
frappe.db.commit()
"""

# what a site made by an older install would hold: both apps listed as installed
BOTH_INSTALLED = """
import json, sys, frappe
frappe.init(site=sys.argv[1], sites_path=".")
frappe.connect()
frappe.db.set_global("installed_apps", json.dumps([*frappe.get_installed_apps(), "erpnext"]))
frappe.db.commit()
"""


def bench_cli() -> str:
	found = shutil.which("bench") or os.path.expanduser("~/bench-env/bin/bench")
	assert os.path.exists(found), "the bench CLI is not on PATH"
	return found


class Bench:
	def __init__(self):
		self.dir = require_env("CL_BENCH_DIR")
		self.cli = bench_cli()

	def run(self, *args: str) -> subprocess.CompletedProcess:
		return subprocess.run(
			[self.cli, *args], cwd=self.dir, capture_output=True, text=True, timeout=900, check=False
		)

	def python(self, script: str, site: str) -> str:
		done = subprocess.run(
			[os.path.join(self.dir, "env", "bin", "python"), "-c", script, site],
			cwd=os.path.join(self.dir, "sites"),
			capture_output=True,
			text=True,
			timeout=300,
			check=False,
		)
		assert done.returncode == 0, done.stderr[-2000:]
		return done.stdout

	def new_site(self, *apps: str) -> str:
		site = f"coexist-{uuid.uuid4().hex[:8]}.localhost"
		install = [arg for app in apps for arg in ("--install-app", app)]
		done = self.run(
			"new-site",
			site,
			"--db-root-username",
			"root",
			"--db-root-password",
			DB_ROOT_PASSWORD,
			"--admin-password",
			"admin",
			*install,
		)
		assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
		self.sites.append(site)
		return site

	def installed_apps(self, site: str) -> list[str]:
		return json.loads(
			self.python(
				"import json, sys, frappe\nfrappe.init(site=sys.argv[1], sites_path='.')\nfrappe.connect()\n"
				"print(json.dumps(frappe.get_installed_apps()))",
				site,
			)
		)

	def snapshot(self, site: str) -> dict:
		return json.loads(self.python(SNAPSHOT, site))

	def drop(self, site: str) -> None:
		self.run(
			"drop-site",
			site,
			"--force",
			"--no-backup",
			"--db-root-username",
			"root",
			"--db-root-password",
			DB_ROOT_PASSWORD,
		)


@pytest.fixture(scope="module")
def bench(site):
	b = Bench()
	assert os.path.isdir(os.path.join(b.dir, "apps", "erpnext")), (
		"ERPNext is not in the bench: the coexistence tests install it on new sites (README: the bench)"
	)
	b.sites = []
	yield b
	for made in b.sites:
		b.drop(made)


def assert_refused_and_unchanged(bench: Bench, site: str, app: str, before: dict, owner_text: str) -> str:
	done = bench.run("--site", site, "install-app", app)
	output = done.stdout + done.stderr
	assert done.returncode != 0, output[-2000:]
	assert "Incompatible" in output and owner_text in output, output[-2000:]
	assert "Traceback" not in output, output[-2000:]
	assert app not in bench.installed_apps(site)
	assert bench.snapshot(site) == before
	return output


def test_a_custom_customer_doctype_refuses_the_install(bench):
	site = bench.new_site()
	bench.python(CUSTOM_CUSTOMER, site)
	before = bench.snapshot(site)
	output = assert_refused_and_unchanged(
		bench, site, APP, before, "the custom DocType Customer (module Custom) made on this site"
	)
	assert "Install Customer Lifecycle on a site without them" in output


def test_erpnext_first_then_this_app_is_refused(bench):
	site = bench.new_site("erpnext")
	before = bench.snapshot(site)
	assert_refused_and_unchanged(bench, site, APP, before, "ERPNext's Customer (module Selling)")
	# ERPNext's Customer is ERPNext's still
	assert "customer_group" in before["tabCustomer"][0] and "territory" in before["tabCustomer"][0]


def test_this_app_first_then_erpnext_is_refused_and_a_migrate_never_swaps_them(bench):
	site = bench.new_site(APP)
	bench.python(OUR_CUSTOMER, site)
	before = bench.snapshot(site)
	output = assert_refused_and_unchanged(
		bench, site, "erpnext", before, "ERPNext cannot be installed on this site"
	)
	assert "Customer Lifecycle already owns here" in output
	assert before["tabCustomer"][1] == 1 and "lifecycle_status" in before["tabCustomer"][0]

	# a site from an older install that lists both: migrate refuses before it syncs anything
	bench.python(BOTH_INSTALLED, site)
	with_both = bench.snapshot(site)
	done = bench.run("--site", site, "migrate")
	output = done.stdout + done.stderr
	assert done.returncode != 0 and "both define Customer" in output, output[-2000:]
	assert bench.snapshot(site) == with_both
