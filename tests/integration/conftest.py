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
