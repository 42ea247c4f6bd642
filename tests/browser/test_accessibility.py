"""A portal everyone can use (issue 17 §5): axe-core finds no violation of WCAG 2's A and AA rules on
any portal page a customer's person reaches, nor on a request's one-time link page, on a phone or a
desktop, nor in the app's own desk dialogs (the two-step new customer, the anonymize confirmation, a
bulk action's results); and a customer updates their profile, adds an address and uploads an
onboarding document with the keyboard alone."""

from pathlib import Path

import frappe
import pytest
from frappe.utils import add_days, nowdate
from playwright.sync_api import expect

from customer_lifecycle.onboarding import links
from tests.browser import axe
from tests.browser.keyboard import tab_to, type_into
from tests.browser.pages import CustomerForm, CustomerList
from tests.browser.pages.portal import DESKTOP, PHONE, portal_routes
from tests.factories import (
	committed_customers,
	make_portal_customer,
	make_portal_customer_in_every_state,
	pdf_bytes,
	unique,
)

pytestmark = pytest.mark.browser

SCREENS = {"phone": PHONE, "desktop": DESKTOP}
# the portal's page templates, in this checkout (the app the served site runs)
PORTAL_PAGES = Path(__file__).parents[2] / "customer_lifecycle" / "www" / "portal"


@pytest.fixture(scope="module")
def showcase(site):
	return make_portal_customer_in_every_state()


def report(found: dict[str, str]) -> str:
	"""One report of what axe found, a section per page, dialog or screen."""
	return "\n\n".join(f"=== {where}\n{violations}" for where, violations in found.items() if violations)


def test_the_checks_open_every_portal_page(site):
	"""The pages the checks below open are all the portal has: a new page must join them."""
	templates = {path.stem for path in PORTAL_PAGES.glob("*.html")}
	pages = {route.removeprefix("/portal").strip("/") or "index" for route in portal_routes("CINV-1")}
	assert {"invoice" if page == "invoices/CINV-1" else page for page in pages} == templates


def test_the_check_finds_what_the_portal_had(browser):
	"""The check is not blind to what the issue found on the portal: grey small text on white, a
	progress bar without a name, a table that scrolls sideways where the keyboard cannot reach."""
	context = browser.new_context(viewport=PHONE)
	try:
		page = context.new_page()
		page.set_content(
			'<html lang="en"><head><title>Before</title></head><body><main>'
			'<p style="color:#aaa;font-size:12px">Due date</p>'
			'<div role="progressbar" aria-valuenow="40" aria-valuemin="0" aria-valuemax="100"></div>'
			'<div style="overflow-x:auto;width:100px"><table><tr>'
			+ "<td>A&nbsp;long&nbsp;payment&nbsp;reference</td>" * 5
			+ "</tr></table></div></main></body></html>"
		)
		found = axe.violations(page)
	finally:
		context.close()
	for rule in ("color-contrast", "aria-progressbar-name", "scrollable-region-focusable"):
		assert rule in found, found


@pytest.mark.parametrize("screen", SCREENS.values(), ids=SCREENS.keys())
def test_portal_pages_have_no_accessibility_violations(showcase, portal_as, screen):
	portal = portal_as(showcase.user, screen)
	found = {}
	for route in portal_routes(showcase.invoice):
		portal.open(route)
		if route == "/portal/profile":
			portal.open_every_address()  # the forms in them are hidden until then
		if route == "/portal/onboarding":
			# the page shows each state an item to provide has
			expect(portal.item_state(portal.item(showcase.provided_item))).to_have_text("Provided")
			expect(portal.item_state(portal.item(showcase.overdue_item))).to_have_text("Overdue")
		expect(portal.customer_switch).to_be_attached()
		found[route] = axe.violations(portal.page)
	assert not any(found.values()), report(found)


@pytest.mark.parametrize("screen", SCREENS.values(), ids=SCREENS.keys())
def test_a_requests_one_time_link_page_has_no_accessibility_violations(showcase, browser, base_url, screen):
	"""The page a contact without a portal login reaches from a request's email, as a guest."""
	context = browser.new_context(base_url=base_url, viewport=screen, is_mobile=screen == PHONE)
	try:
		page = context.new_page()
		page.goto(f"/request?{links.query(showcase.request, add_days(nowdate(), 14))}")
		expect(page.locator(".cl-request-link")).to_be_visible()
		# one item provided (the document), one still needed (the question)
		expect(page.locator(".cl-portal-item.done")).to_have_count(1)
		found = axe.violations(page)
	finally:
		context.close()
	assert not found, found


def dialog_violations(page) -> dict[str, str]:
	"""What axe finds in the open dialog, on a desktop's screen and on a phone's."""
	found = {}
	for name, screen in SCREENS.items():
		page.set_viewport_size(screen)
		found[name] = axe.violations(page, within=".modal.show")
	page.set_viewport_size(DESKTOP)
	return found


def test_new_customer_dialog_has_no_accessibility_violations(login, intake_field):
	customers = CustomerList(login("manager")).open()
	dialog = customers.new_customer().settled()
	expect(dialog.title).to_have_text("New Customer")
	found = {f"step 1, {screen}": v for screen, v in dialog_violations(customers.page).items()}

	dialog.field("customer_name").fill(unique("Gogo Yubari"))
	dialog.button("Next").click()
	expect(dialog.field(intake_field)).to_be_visible()
	found |= {f"step 2, {screen}": v for screen, v in dialog_violations(customers.page).items()}
	assert not any(found.values()), report(found)


def test_anonymize_confirmation_has_no_accessibility_violations(login):
	with committed_customers() as make:
		customer = make(customer_name=unique("Sofie Fatale"), customer_type="Individual")
		form = CustomerForm(login("manager")).open(customer.name)
		form.run_action("Anonymize")
		confirm = form.dialog().settled()
		expect(confirm.root).to_contain_text("cannot be undone")
		found = dialog_violations(form.page)
		assert not any(found.values()), report(found)


def test_bulk_results_have_no_accessibility_violations(login):
	with committed_customers() as make:
		names = [make(customer_name=unique("Bulka11y")).name for _ in range(2)]
		listing = CustomerList(login("manager")).open_named_like("Bulka11y")
		results = listing.bulk_action(names, "Add Tags", "Add Tag", tag="Accessible")
		results.settled()
		expect(results.title).to_have_text("Add Tag: 2 done, 0 failed")
		found = dialog_violations(listing.page)
		assert not any(found.values()), report(found)


@pytest.fixture
def newcomer(site):
	"""A portal customer with nothing provided yet."""
	who = make_portal_customer("keys")
	frappe.db.commit()
	return who


def test_a_customer_uses_the_portal_with_the_keyboard_alone(newcomer, portal_as, tmp_path):
	portal = portal_as(newcomer.user, DESKTOP)
	page = portal.page

	# the contact details: Tab to each field, type over it, Space ticks the box, Enter saves
	portal.open_profile()
	type_into(portal.field("Phone"), "+44 20 7946 0958")
	type_into(portal.field("Mobile"), "+44 7700 900461")
	consent = portal.field("Send me news and offers by email")
	expect(consent).not_to_be_checked()
	tab_to(consent).press("Space")
	with page.expect_navigation():
		tab_to(portal.button("Save")).press("Enter")
	expect(portal.mobile).to_have_value("+447700900461")

	# a new address: Enter opens its form
	tab_to(portal.new_address.locator("summary")).press("Enter")
	expect(portal.new_address).to_have_attribute("open", "")
	line = unique("Keyboard Lane")
	type_into(portal.field("Address Line 1", within=portal.new_address), line)
	type_into(portal.field("City/Town", within=portal.new_address), "York")
	type_into(portal.field("Country", within=portal.new_address), "United Kingdom")
	with page.expect_navigation():
		tab_to(portal.button("Save address", within=portal.new_address)).press("Enter")
	expect(portal.address(line)).to_be_visible()

	# an onboarding document: Space on the file field opens the file chooser, Enter uploads
	portal.open_onboarding()
	item = portal.item(newcomer.provided_item)
	expect(portal.item_state(item)).to_have_text("Still needed")
	document = tmp_path / "passport-scan.pdf"
	document.write_bytes(pdf_bytes("passport scan"))
	with page.expect_file_chooser() as chooser:
		tab_to(portal.file_input(item)).press("Space")
	chooser.value.set_files(document)
	with page.expect_navigation():
		tab_to(portal.upload_button(item)).press("Enter")
	expect(portal.attachment(item)).to_contain_text("passport-scan")
	expect(portal.item_state(item)).to_have_text("Provided")

	frappe.db.rollback()
	contact = frappe.db.get_value(
		"Contact", newcomer.contact, ["phone", "mobile_no", "marketing_consent"], as_dict=True
	)
	assert contact == {"phone": "+442079460958", "mobile_no": "+447700900461", "marketing_consent": 1}
	address = frappe.get_all(
		"Dynamic Link",
		filters={"parenttype": "Address", "link_doctype": "Customer", "link_name": newcomer.name},
		pluck="parent",
	)
	assert frappe.db.get_value("Address", {"name": ("in", address), "address_line1": line}, "city") == "York"
	item_row = frappe.db.get_value(
		"Onboarding Checklist Item", newcomer.provided_item, ["done", "attachment"], as_dict=True
	)
	assert item_row.done == 1 and "passport-scan" in item_row.attachment


def test_a_customers_person_switches_customer_with_the_keyboard(showcase, portal_as):
	"""Arrowing through the customers does not leave the page; the Switch button does."""
	portal = portal_as(showcase.user, DESKTOP).open("/portal")
	page = portal.page
	expect(portal.customer_name).to_have_text(showcase.customer_name)
	loads = []
	page.on("framenavigated", lambda frame: loads.append(frame.url) if frame == page.main_frame else None)
	tab_to(portal.customer_switch).select_option(showcase.other_customer)  # as an arrow key does
	with page.expect_navigation():
		tab_to(portal.button("Switch")).press("Enter")
	expect(portal.customer_name).to_have_text(f"{showcase.customer_name} Holdings")
	assert len(loads) == 1, loads  # the choice itself loaded nothing
