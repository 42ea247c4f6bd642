"""The hostile-input suite's fixtures: the payloads, and a bystander whose view no payload may
change; at the end of the run, the number of tries and of findings."""

import json

import pytest

from tests.integration.hostile.attack import TALLY, logged_in, payloads


def pytest_terminal_summary(terminalreporter):
	if not TALLY.tries:
		return
	terminalreporter.section("hostile input")
	terminalreporter.write_line(
		f"{TALLY.tries} tries in {len(TALLY.places)} fields, {len(TALLY.findings)} findings"
		f" (and {len(TALLY.frappes)} in Frappe's own code, listed apart; {len(TALLY.transient)} server"
		" errors of requests sent at once that did not come back when sent alone)"
	)
	for finding in TALLY.findings:
		terminalreporter.write_line(f"  {finding}")
	for finding in TALLY.frappes:
		terminalreporter.write_line(f"  Frappe's: {finding}")
	for transient in TALLY.transient:
		terminalreporter.write_line(
			f"  sent at once, a server error that did not come back alone: {transient}"
		)


class View:
	"""What a Customer User and the bystander's own portal user see of the bystander, a customer no
	payload is aimed at but the stacked statements, which would rename it."""

	def __init__(self, http, base_url, bystander):
		self.staff = http("user")
		self.portal = logged_in(base_url, bystander.user)
		self.base_url = base_url
		self.bystander = bystander
		self.before = self.now()

	def method(self, name: str, **params):
		r = self.staff.get(f"{self.base_url}/api/method/{name}", params=params, timeout=30)
		assert r.status_code == 200, r.text[:300]
		return r.json()["message"]

	def page(self, path: str) -> tuple[int, str]:
		r = self.portal.get(f"{self.base_url}{path}", timeout=30)
		return r.status_code, r.text

	def now(self) -> dict:
		b = self.bystander
		fields = ["customer_name", "email", "lifecycle_status", "balance", "archived", "modified"]
		status, overview = self.page("/portal")
		notes_status, notes = self.page("/portal/notes")
		invoices_status, invoices = self.page("/portal/invoices")
		return {
			"customer": self.method(
				"frappe.client.get_value",
				doctype="Customer",
				filters=json.dumps({"name": b.name}),
				fieldname=json.dumps(fields),
			),
			"customers named so": self.method(
				"frappe.desk.reportview.get_count",
				doctype="Customer",
				filters=json.dumps([["customer_name", "like", f"{b.customer_name}%"]]),
			),
			"notes": [
				(n["name"], n["content"], n["visibility"])
				for n in self.method("customer_lifecycle.api.notes.get_notes", customer=b.name)["notes"]
			],
			"portal": (status, b.customer_name in overview),
			"portal notes": (
				notes_status,
				f"Welcome aboard, {b.customer_name}!" in notes,
				"Internal" in notes,
			),
			"portal invoices": (invoices_status, b.invoice in invoices, b.draft in invoices),
		}


@pytest.fixture(scope="session")
def bystander(site):
	"""A portal customer with records of every kind, committed."""
	import frappe

	from tests.factories import make_portal_customer

	frappe.set_user("Administrator")
	customer = make_portal_customer("bystander")
	# its payment's receipt would become a note when the worker gets to it, perhaps after the view
	# before the payloads was taken: the job finds the customer opted out and sends none
	frappe.db.set_value("Customer", customer.name, "receipt_opt_out", 1, update_modified=False)
	frappe.db.commit()
	return customer


@pytest.fixture(scope="session")
def bystanders_view(http, base_url, bystander):
	"""The bystander's view, taken before any payload is sent (`hostile` asks for it first)."""
	return View(http, base_url, bystander)


@pytest.fixture(scope="session")
def hostile(bystanders_view):
	"""The payloads, the stacked statement aimed at the bystander."""
	return payloads(bystanders_view.bystander.name)
