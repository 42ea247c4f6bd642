"""One owner per DocType name (coexistence.py), tried as a new user would, with bench on new sites:

- a stand-in: a site whose admin made a custom DocType `Customer` with a record;
- the real ERPNext (from the bench; 15.99.1 on Frappe 15.101.1), in both orders: ERPNext first, then
  this app; this app first, then ERPNext;
- a migrate on a site where both claim to be installed.

Each refusal leaves the site as it was: the same tables with the same columns and rows, and the
refused app not among the installed ones.
"""

import os

import pytest

from tests.bench import Bench

APP = "customer_lifecycle"

# a custom DocType "Customer" with one record, as an admin makes it in the desk
CUSTOM_CUSTOMER = """
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
frappe.get_doc({"doctype": "Customer", "customer_name": "Ours Stays", "email": "ours.stays@example.com"}).insert()
frappe.db.commit()
"""

# what a site made by an older install would hold: both apps listed as installed
BOTH_INSTALLED = """
import json
frappe.db.set_global("installed_apps", json.dumps([*frappe.get_installed_apps(), "erpnext"]))
frappe.db.commit()
"""


@pytest.fixture(scope="module")
def bench(site):
	b = Bench()
	assert os.path.isdir(os.path.join(b.dir, "apps", "erpnext")), (
		"ERPNext is not in the bench: the coexistence tests install it on new sites (README: the bench)"
	)
	yield b
	b.drop_all()


def assert_refused_and_unchanged(bench: Bench, site: str, app: str, before: dict, owner_text: str) -> str:
	done = bench.run("--site", site, "install-app", app, check=False)
	output = done.stdout + done.stderr
	assert done.returncode != 0, output[-2000:]
	assert "Incompatible" in output and owner_text in output, output[-2000:]
	assert "Traceback" not in output, output[-2000:]
	assert app not in bench.installed_apps(site)
	assert bench.snapshot(site) == before
	return output


def test_a_custom_customer_doctype_refuses_the_install(bench):
	site = bench.new_site(prefix="coexist")
	bench.python(CUSTOM_CUSTOMER, site)
	before = bench.snapshot(site)
	output = assert_refused_and_unchanged(
		bench, site, APP, before, "the custom DocType Customer (module Custom) made on this site"
	)
	assert "Install Customer Lifecycle on a site without them" in output


def test_erpnext_first_then_this_app_is_refused(bench):
	site = bench.new_site("erpnext", prefix="coexist")
	before = bench.snapshot(site)
	assert_refused_and_unchanged(bench, site, APP, before, "ERPNext's Customer (module Selling)")
	# ERPNext's Customer is ERPNext's still
	assert "customer_group" in before["tabCustomer"][0] and "territory" in before["tabCustomer"][0]


def test_this_app_first_then_erpnext_is_refused_and_a_migrate_never_swaps_them(bench):
	site = bench.new_site(APP, prefix="coexist")
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
	done = bench.run("--site", site, "migrate", check=False)
	output = done.stdout + done.stderr
	assert done.returncode != 0 and "both define Customer" in output, output[-2000:]
	assert bench.snapshot(site) == with_both
