"""Playwright with Debian's chromium (never a downloaded browser), against the served test site."""

import os
import shutil

import pytest

from tests.browser.pages import LoginPage, Portal
from tests.browser.pages.portal import PHONE
from tests.helpers import PASSWORD

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]


@pytest.fixture(scope="session", autouse=True)
def _patient_assertions():
	"""A freshly started test server answers its first requests slowly (cold caches, a busy CI
	machine): assertions wait up to 15 s for the page to show what they expect."""
	from playwright.sync_api import expect

	expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def browser(site):
	from playwright.sync_api import sync_playwright

	executable = shutil.which("chromium")
	if not executable:
		pytest.fail("Debian's chromium is not installed (apt-get install chromium)", pytrace=False)
	with sync_playwright() as p:
		browser = p.chromium.launch(executable_path=executable, args=FLAGS, headless=True)
		yield browser
		browser.close()


@pytest.fixture(scope="session")
def artifacts():
	path = os.environ.get("CL_ARTIFACTS") or os.path.join(os.getcwd(), "artifacts")
	os.makedirs(path, exist_ok=True)
	return path


@pytest.fixture
def login(browser, base_url, personas, artifacts, request):
	"""login(persona) -> a Playwright page on /app, logged in through the login form."""
	contexts = []

	def open_as(persona: str):
		context = browser.new_context(base_url=base_url, viewport={"width": 1366, "height": 900})
		context.set_default_timeout(20_000)
		contexts.append(context)
		page = context.new_page()
		LoginPage(page).log_in(personas[persona], PASSWORD)
		page.wait_for_url("**/app**")
		return page

	yield open_as
	close_contexts(contexts, request, artifacts)


@pytest.fixture
def portal_as(browser, base_url, artifacts, request):
	"""portal_as(user, screen=PHONE) -> the portal on a Playwright page of that size (a phone's is a
	mobile one), logged in through the login form."""
	contexts = []

	def open_as(user: str, screen: dict = PHONE) -> Portal:
		context = browser.new_context(base_url=base_url, viewport=screen, is_mobile=screen == PHONE)
		context.set_default_timeout(20_000)
		contexts.append(context)
		return Portal(context.new_page()).log_in(user, PASSWORD)

	yield open_as
	close_contexts(contexts, request, artifacts)


def close_contexts(contexts, request, artifacts) -> None:
	"""Close a test's browser contexts, after a screenshot of each page when the test failed."""
	failed = request.node.rep_call.failed if hasattr(request.node, "rep_call") else False
	for i, context in enumerate(contexts):
		if failed:
			for page in context.pages:
				page.screenshot(
					path=os.path.join(artifacts, f"FAILED-{request.node.name}-{i}.png"), full_page=True
				)
		context.close()


@pytest.fixture
def intake_field(site):
	"""An admin's intake field, added to the Intake section with Customize Form (a Custom Field): the
	new-customer dialog then has its second step."""
	import frappe

	name = "Customer-referral_source"
	if not frappe.db.exists("Custom Field", name):
		frappe.get_doc(
			{
				"doctype": "Custom Field",
				"dt": "Customer",
				"fieldname": "referral_source",
				"label": "Referral Source",
				"fieldtype": "Data",
				"insert_after": "intake_section",
			}
		).insert()
		frappe.db.commit()
	frappe.clear_cache(doctype="Customer")
	yield "referral_source"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
	outcome = yield
	report = outcome.get_result()
	setattr(item, f"rep_{report.when}", report)
