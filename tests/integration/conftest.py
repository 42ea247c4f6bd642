import pytest


@pytest.fixture(autouse=True)
def _each_test_rolls_back(rollback):
	"""Integration tests run on the live test site; what a test writes is undone after it."""
	yield


@pytest.fixture
def outgoing_email():
	"""An outgoing email account (rolled back with the test), in Frappe's test mode, which queues
	the emails and sends none."""
	import frappe

	frappe.flags.in_test = True
	frappe.local.outgoing_email_account = {}
	frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_account_name": "Customer Lifecycle Tests",
			"email_id": "cl-tests@example.com",
			"enable_outgoing": 1,
			"default_outgoing": 1,
			"smtp_server": "localhost",
			"no_smtp_authentication": 1,
		}
	).insert(ignore_permissions=True)
	yield
	frappe.flags.in_test = False
	frappe.local.outgoing_email_account = {}


@pytest.fixture
def bench(site):
	"""The bench, to make sites of the test's own with (tests/bench.py), dropped afterwards: the
	test site is not disturbed."""
	from tests.bench import Bench

	b = Bench()
	yield b
	b.drop_all()


@pytest.fixture(scope="module")
def restricted(site):
	"""The restricted users of api_cases.RESTRICTED, without what earlier runs gave them: {persona:
	email}."""
	from tests.integration.api_cases import ensure_restricted_users

	return ensure_restricted_users()


@pytest.fixture(scope="module")
def client(http, base_url, restricted):
	"""client(persona) -> a logged-in requests.Session (None, and the LINK_HOLDER: a guest), for the
	personas of tests.helpers and of api_cases.RESTRICTED. Everyone logs in first, so no login writes
	during a test."""
	import requests

	from tests.helpers import PASSWORD, PERSONAS
	from tests.integration.api_cases import LINK_HOLDER

	sessions = {}

	def get(persona: str | None):
		if persona == LINK_HOLDER:
			return http(None)
		if persona not in restricted:
			return http(persona)
		if persona not in sessions:
			s = requests.Session()
			s.headers["Accept"] = "application/json"
			r = s.post(
				f"{base_url}/api/method/login", data={"usr": restricted[persona], "pwd": PASSWORD}, timeout=30
			)
			assert r.status_code == 200, r.text
			sessions[persona] = s
		return sessions[persona]

	for persona in (None, *PERSONAS, *restricted):
		get(persona)
	return get


@pytest.fixture(scope="module")
def outgoing_account(site):
	"""An outgoing email account while this module runs (sending an information request needs one;
	the emails stay queued: the scheduler that would send them is off)."""
	import uuid

	import frappe

	name = f"CL Permission Suite {uuid.uuid4().hex[:6]}"
	# one an interrupted run left behind holds the address
	for left in frappe.get_all(
		"Email Account", filters={"email_id": "cl-permissions@example.com"}, pluck="name"
	):
		frappe.delete_doc("Email Account", left, force=True, ignore_permissions=True)
	frappe.flags.in_test = True  # Frappe tries the SMTP server on save otherwise
	frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_account_name": name,
			"email_id": "cl-permissions@example.com",
			"enable_outgoing": 1,
			"default_outgoing": 1,
			"smtp_server": "localhost",
			"no_smtp_authentication": 1,
		}
	).insert(ignore_permissions=True)
	frappe.flags.in_test = False
	frappe.db.commit()
	yield name
	frappe.db.rollback()
	frappe.delete_doc("Email Account", name, force=True, ignore_permissions=True)
	frappe.db.commit()
	frappe.local.outgoing_email_account = {}


@pytest.fixture(scope="module")
def tables(site):
	"""({doctype: its columns that may name a record}, the app's single DocTypes): what
	api_cases.snapshot reads."""
	from tests.integration.api_cases import table_columns

	return table_columns()
