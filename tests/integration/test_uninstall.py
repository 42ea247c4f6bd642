"""Uninstalling the app leaves a working Frappe site, with core Contact and Address untouched.

Runs bench on a site of its own (made and dropped here), so the test site is not disturbed."""

import os
import shutil
import subprocess

import pytest

SITE = "uninstall.customer-lifecycle.localhost"
CHECK = """
import frappe
contact = frappe.get_doc({"doctype": "Contact", "first_name": "After", "email_ids": [{"email_id": "after@example.com", "is_primary": 1}]}).insert()
address = frappe.get_doc({"doctype": "Address", "address_title": "After", "address_type": "Billing", "address_line1": "1 Road", "city": "Leeds", "country": "India"}).insert()
assert not frappe.db.exists("DocType", "Customer")
assert not frappe.get_all("Custom Field", filters={"dt": "Address", "module": "Customers"})
assert not frappe.get_all("Custom DocPerm", filters={"role": ["in", ["Customer Manager", "Customer User"]]})
assert not frappe.db.exists("Workflow", "Customer Lifecycle")
print("CORE OK", contact.name, address.name)
"""


def bench(*args, timeout=900):
	executable = shutil.which("bench")
	if not executable:
		pytest.fail("the bench CLI is not on PATH (./dev.sh test puts it there)", pytrace=False)
	result = subprocess.run(
		[executable, *args], cwd=os.environ["CL_BENCH_DIR"], capture_output=True, text=True, timeout=timeout
	)
	assert result.returncode == 0, (args, result.stdout[-3000:], result.stderr[-3000:])
	return result.stdout


def test_uninstall_leaves_core_contact_and_address_working(site, tmp_path):
	password = os.environ.get("CL_DB_ROOT_PASSWORD")
	if not password:
		pytest.fail("CL_DB_ROOT_PASSWORD is not set: run the tests with ./dev.sh test", pytrace=False)
	db = ["--db-root-username", "root", "--db-root-password", password]
	bench("new-site", SITE, "--force", *db, "--admin-password", "admin", "--install-app", "customer_lifecycle")
	try:
		bench("--site", SITE, "uninstall-app", "customer_lifecycle", "--yes", "--no-backup", "--force")
		script = tmp_path / "check_core.py"
		script.write_text(CHECK)
		assert "CORE OK" in run_script(SITE, script)
	finally:
		bench("drop-site", SITE, *db, "--no-backup", "--force")


def run_script(site: str, script) -> str:
	"""Run a Python script on the site with the bench's interpreter (bench execute takes a dotted path)."""
	bench_dir = os.environ["CL_BENCH_DIR"]
	code = (
		"import os, frappe; os.chdir('sites'); frappe.init(site=%r, sites_path='.'); frappe.connect(); "
		"frappe.set_user('Administrator'); exec(open(%r).read()); frappe.db.rollback()"
	) % (site, str(script))
	result = subprocess.run(
		[os.path.join(bench_dir, "env", "bin", "python"), "-c", code],
		cwd=bench_dir,
		capture_output=True,
		text=True,
		timeout=300,
	)
	assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
	return result.stdout
