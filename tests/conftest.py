"""Shared fixtures. Unit tests use none of these; integration and browser tests connect to the
site that `./dev.sh test` created (CL_SITE in CL_BENCH_DIR, served at CL_BASE_URL)."""

import os

import pytest

from tests.helpers import PASSWORD, PERSONAS


def require_env(name: str) -> str:
	value = os.environ.get(name)
	if not value:
		pytest.fail(f"{name} is not set: run the tests with ./dev.sh test", pytrace=False)
	return value


@pytest.fixture(scope="session")
def site():
	"""A connection to the test site, as Administrator, with the personas created."""
	import frappe

	bench = require_env("CL_BENCH_DIR")
	name = require_env("CL_SITE")
	sites = os.path.join(bench, "sites")
	os.chdir(sites)
	frappe.init(site=name, sites_path=sites)
	frappe.connect()
	# Tests in this process read their own uncommitted records, which no replica can see, so Frappe's
	# read_only switch stays on the primary here; the served site reads from the replica when its
	# config says so (tests/integration/test_replica.py, over HTTP).
	frappe.local.conf.read_from_replica = False
	frappe.set_user("Administrator")
	ensure_personas()
	yield name
	frappe.db.rollback()
	frappe.destroy()


def ensure_personas():
	import frappe

	from customer_lifecycle.demo.staff import ensure_user

	for email, roles in PERSONAS.values():
		ensure_user(email, roles, PASSWORD)
	frappe.db.commit()


@pytest.fixture(scope="session")
def personas(site):
	return {key: email for key, (email, _) in PERSONAS.items()}


@pytest.fixture
def rollback(site):
	"""Undo what the test wrote, and restore the Administrator session."""
	import frappe

	yield
	frappe.db.rollback()
	frappe.set_user("Administrator")


@pytest.fixture(scope="session")
def faker():
	from faker import Faker

	fake = Faker("en_GB")
	fake.seed_instance(2026)
	return fake


@pytest.fixture
def make_customer(site):
	"""Factory: a saved Customer with Faker data; keyword arguments override fields."""
	from tests.factories import make_customer

	return make_customer


@pytest.fixture
def active_customer(site):
	"""Factory: a customer moved through onboarding to the active state."""
	from tests.factories import make_active_customer

	return make_active_customer


ENGAGEMENT = "CL Test Engagement"


@pytest.fixture(scope="session")
def engagement_doctype(site):
	"""A record type that links to Customer from outside the app: a custom DocType with a Link
	field. Creating a table commits, so it is made once and dropped at the end."""
	import frappe

	if not frappe.db.exists("DocType", ENGAGEMENT):
		frappe.get_doc(
			{
				"doctype": "DocType",
				"name": ENGAGEMENT,
				"module": "Customers",
				"custom": 1,
				"autoname": "hash",
				"fields": [
					{"fieldname": "customer", "fieldtype": "Link", "options": "Customer", "label": "Customer"}
				],
				"permissions": [{"role": "System Manager", "read": 1, "write": 1, "create": 1, "delete": 1}],
			}
		).insert()
		frappe.db.commit()
	yield ENGAGEMENT
	frappe.db.rollback()
	frappe.delete_doc("DocType", ENGAGEMENT, force=True)
	frappe.db.commit()


@pytest.fixture(scope="session")
def base_url():
	return require_env("CL_BASE_URL").rstrip("/")


@pytest.fixture(scope="session")
def http(base_url, personas):
	"""http(persona) -> a requests.Session logged in as that persona (None: a guest)."""
	import requests

	sessions = {}

	def login(persona: str | None):
		if persona in sessions:
			return sessions[persona]
		s = requests.Session()
		s.headers["Accept"] = "application/json"
		if persona:
			r = s.post(
				f"{base_url}/api/method/login", data={"usr": personas[persona], "pwd": PASSWORD}, timeout=30
			)
			assert r.status_code == 200, r.text
		sessions[persona] = s
		return s

	return login
