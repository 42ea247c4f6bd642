"""The README's screenshots, taken from the served demo site with the browser tests' Playwright and
page objects (`./dev.sh screenshots`, with `./dev.sh start` running): the customer list, a customer's
form with its 360 header, a report, and the portal on a phone. They are written to docs/ under the
names the README shows (SHOTS); tests/unit/test_readme.py fails when one is missing.

    python -m tests.browser.screenshots [--base-url http://localhost:8000] [--site SITE]
"""

import argparse
import os
import shutil

from playwright.sync_api import sync_playwright

from tests.browser.conftest import FLAGS
from tests.browser.pages import LoginPage
from tests.browser.pages.customer_form import CustomerForm, Header360
from tests.browser.pages.customer_list import CustomerList
from tests.browser.pages.portal import Portal
from tests.browser.pages.report import ReportView

DOCS = os.path.join(os.path.dirname(__file__), "..", "..", "docs")
# file name in docs/ -> what it shows
SHOTS = {
	"customer-list.png": "The customer list, with lifecycle, completeness and balance",
	"customer-360.png": "A customer's form with its 360 header",
	"report.png": "The Customer Lifetime Value report",
	"portal-phone.png": "The customer portal on a phone",
}
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


def take(
	base_url: str, admin_password: str, portal_login: tuple[str, str], customer: str, out: str = DOCS
) -> list[str]:
	"""Take every shot into `out`; returns the paths written."""
	os.makedirs(out, exist_ok=True)
	written = []
	with sync_playwright() as p:
		browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS, headless=True)
		desk = browser.new_context(base_url=base_url, viewport=DESKTOP, device_scale_factor=1)
		page = desk.new_page()
		LoginPage(page).log_in("Administrator", admin_password)
		page.wait_for_url("**/app**")

		listing = CustomerList(page).open("?lifecycle_status=Active")
		listing.rows.nth(10).wait_for()
		page.wait_for_load_state("networkidle")
		written.append(shot(page, out, "customer-list.png"))

		CustomerForm(page).open(customer)
		Header360(page).name.wait_for()
		page.wait_for_load_state("networkidle")
		written.append(shot(page, out, "customer-360.png"))

		ReportView(page, "Customer Lifetime Value").open()
		page.locator(".dt-row").nth(3).wait_for()
		written.append(shot(page, out, "report.png"))
		desk.close()

		phone = browser.new_context(
			base_url=base_url, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
		)
		page = phone.new_page()
		Portal(page).log_in(*portal_login)
		page.wait_for_load_state("networkidle")
		written.append(shot(page, out, "portal-phone.png"))
		browser.close()
	return written


def shot(page, out: str, name: str) -> str:
	path = os.path.abspath(os.path.join(out, name))
	page.screenshot(path=path)
	return path


def busiest_customer(site: str, bench: str) -> str:
	"""The demo customer with the most invoices: its 360 header has something in every figure."""
	import frappe

	os.chdir(os.path.join(bench, "sites"))
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	try:
		return frappe.get_all(
			"Customer",
			filters={"lifecycle_status": "Active", "archived": 0},
			order_by="invoice_count desc, balance desc",
			pluck="name",
			limit=1,
		)[0]
	finally:
		frappe.destroy()


def main() -> None:
	from customer_lifecycle.demo import PORTAL_LOGIN

	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--base-url", default=os.environ.get("CL_BASE_URL", "http://localhost:8000"))
	parser.add_argument("--site", default=os.environ.get("CL_DEMO_SITE", "customer-lifecycle.localhost"))
	parser.add_argument("--bench", default=os.environ.get("CL_BENCH_DIR", "/home/frappe/frappe-bench"))
	parser.add_argument("--admin-password", default="admin")
	parser.add_argument("--out", default=DOCS, help="Where to write them (default: docs/)")
	args = parser.parse_args()
	customer = busiest_customer(args.site, args.bench)
	for path in take(args.base_url, args.admin_password, PORTAL_LOGIN, customer, args.out):
		print(path)


if __name__ == "__main__":
	main()
