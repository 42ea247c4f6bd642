"""Shared fixtures. Unit tests use none of these; integration and browser tests connect to the
site that `./dev.sh test` created (CL_SITE in CL_BENCH_DIR, served at CL_BASE_URL)."""

import os
import uuid

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
	frappe.set_user("Administrator")
	ensure_personas()
	yield name
	frappe.db.rollback()
	frappe.destroy()


def ensure_personas():
	import frappe
	from frappe.utils.password import update_password

	for email, roles in PERSONAS.values():
		if not frappe.db.exists("User", email):
			user = frappe.get_doc(
				{"doctype": "User", "email": email, "first_name": email.split("@")[0], "send_welcome_email": 0}
			)
			user.add_roles(*roles)
		update_password(email, PASSWORD)
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
def make_customer(site, faker):
	"""Factory: a saved Customer with Faker data; keyword arguments override fields."""
	import frappe

	from customer_lifecycle.demo import FakeCustomers

	phones = FakeCustomers(seed=7, region="GB")

	def make(**fields):
		data = {
			"doctype": "Customer",
			"customer_name": faker.name(),
			# unique across runs too: customers committed by HTTP tests stay on the site
			"email": f"{uuid.uuid4().hex[:8]}.{faker.unique.email()}",
			"phone": phones.phone(),
		}
		data.update(fields)
		return frappe.get_doc(data).insert()

	return make


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
			r = s.post(f"{base_url}/api/method/login", data={"usr": personas[persona], "pwd": PASSWORD}, timeout=30)
			assert r.status_code == 200, r.text
		sessions[persona] = s
		return s

	return login
