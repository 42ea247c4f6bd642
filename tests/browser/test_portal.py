"""The customer portal in a browser: a Customer Manager invites a contact from the customer form;
a portal customer, on a phone-sized screen, updates their phone, uploads a checklist document, opens
an invoice PDF, and is refused another customer's pages."""

import re

import frappe
import pytest
from frappe.utils.password import update_password
from playwright.sync_api import expect

from tests.factories import make_customer, make_portal_world, pdf_bytes
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def world(site):
	return make_portal_world()


@pytest.fixture
def portal_page(browser, base_url):
	"""portal_page(user) -> a phone-sized Playwright page, logged in through the login form."""
	contexts = []

	def open_as(user: str):
		context = browser.new_context(base_url=base_url, viewport=PHONE, is_mobile=True)
		context.set_default_timeout(20_000)
		contexts.append(context)
		page = context.new_page()
		page.goto("/login")
		page.fill("#login_email", user)
		page.fill("#login_password", PASSWORD)
		page.click(".btn-login")
		page.wait_for_url("**/portal**")  # the portal role's home page
		return page

	yield open_as
	for context in contexts:
		context.close()


def test_a_manager_invites_a_contact_from_the_customer_form(login, site):
	customer = make_customer(
		customer_name="Harriet Vane", email=f"harriet.{frappe.generate_hash(length=6)}@example.org"
	)
	frappe.db.commit()
	page = login("manager")
	page.goto(f"/app/customer/{customer.name}")
	page.get_by_role("button", name="Portal Access").click()
	dialog = page.locator(".modal-dialog:visible")
	row = dialog.locator(".cl-portal-row").first
	expect(row).to_contain_text("No access")
	row.get_by_role("button", name="Invite").click()
	expect(row.locator(".indicator-pill")).to_have_text("Has access")
	frappe.db.rollback()
	user = frappe.db.get_value("Contact", customer.primary_contact, ["user", "portal_access"])
	assert user == (customer.email, 1)
	assert "Customer Portal User" in frappe.get_roles(customer.email)


def test_a_portal_customer_uses_the_portal_on_a_phone(world, portal_page, tmp_path):
	mine = world.mine
	page = portal_page(mine.user)
	expect(page.locator(".cl-portal-customer-name")).to_have_text(mine.customer_name)

	# update the phone: normalised as the desk does
	page.goto("/portal/profile")
	page.fill("#cl-mobile_no", "+44 7911 123456")
	page.get_by_role("button", name="Save", exact=True).click()
	expect(page.locator("#cl-mobile_no")).to_have_value("+447911123456")
	frappe.db.rollback()
	assert frappe.db.get_value("Contact", mine.contact, "mobile_no") == "+447911123456"

	# upload a checklist document
	page.goto("/portal/onboarding")
	item = page.locator(f".cl-portal-item[data-item='{mine.staff_item}']")
	expect(item).to_have_count(0)  # the firm's own items take no uploads
	document = tmp_path / "utility-bill.pdf"
	document.write_bytes(pdf_bytes("utility bill"))
	item = page.locator(".card.cl-portal-item").first
	item.locator("input[type=file]").set_input_files(str(document))
	item.get_by_role("button", name="Upload", exact=True).click()
	expect(page.locator(".card.cl-portal-item").first.locator(".cl-portal-attachment")).to_contain_text(
		"utility-bill"
	)
	expect(page.locator(".card.cl-portal-item").first.locator(".cl-portal-item-state")).to_have_text(
		"Provided"
	)

	# open an invoice and its PDF
	page.goto("/portal/invoices")
	page.get_by_role("link", name=mine.invoice).click()
	expect(page).to_have_url(re.compile(f"/portal/invoices/{mine.invoice}"))
	pdf_link = page.get_by_role("link", name="Download PDF")
	pdf = page.request.get(pdf_link.get_attribute("href"))
	assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
	assert "pdf" in pdf.headers["content-type"]

	# another customer's pages are refused
	for path in (f"/portal/invoices/{world.theirs.invoice}", f"/portal/profile?customer={world.theirs.name}"):
		response = page.goto(path)
		assert response.status == 403
		expect(page.locator("body")).not_to_contain_text(world.theirs.customer_name)
		expect(page.locator("body")).to_contain_text("Not Permitted")


def test_a_revoked_customer_cannot_log_in(world, browser, base_url):
	from customer_lifecycle.portal import users

	person = world.theirs
	users.revoke(person.contact)
	update_password(person.user, PASSWORD)  # the password still matches; the login is disabled
	frappe.db.commit()
	context = browser.new_context(base_url=base_url, viewport=PHONE)
	page = context.new_page()
	page.goto("/login")
	page.fill("#login_email", person.user)
	page.fill("#login_password", PASSWORD)
	page.click(".btn-login")
	expect(page.locator("body")).to_contain_text(re.compile("disabled|not allowed", re.I))
	assert page.goto("/portal").status in (200, 302) and "/login" in page.url
	context.close()
