"""The customer portal in a browser: a Customer Manager invites a contact from the customer form;
a portal customer, on a phone-sized screen, updates their phone, uploads a checklist document, opens
an invoice PDF, and is refused another customer's pages."""

import re

import frappe
import pytest
from frappe.utils.password import update_password
from playwright.sync_api import expect

from tests.browser.pages import CustomerForm, LoginPage, Portal
from tests.browser.pages.portal import PHONE
from tests.factories import committed_customers, make_portal_world, pdf_bytes, unique, unique_email
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def world(site):
	return make_portal_world()


def test_a_manager_invites_a_contact_from_the_customer_form(login, site):
	with committed_customers() as make:
		customer = make(customer_name=unique("Harriet Vane"), email=unique_email("harriet"))
		form = CustomerForm(login("manager")).open(customer.name)
		access = form.portal_access()
		row = access.rows.first
		expect(row).to_contain_text("No access")
		access.invite(row)
		expect(access.access(row)).to_have_text("Has access")
		frappe.db.rollback()
		user = frappe.db.get_value("Contact", customer.primary_contact, ["user", "portal_access"])
		assert user == (customer.email, 1)
		assert "Customer Portal User" in frappe.get_roles(customer.email)


def test_a_portal_customer_uses_the_portal_on_a_phone(world, portal_as, tmp_path):
	mine = world.mine
	portal = portal_as(mine.user)
	expect(portal.customer_name).to_have_text(mine.customer_name)

	# update the phone: normalised as the desk does
	portal.open_profile()
	portal.mobile.fill("+44 7700 900461")
	portal.save_profile()
	expect(portal.mobile).to_have_value("+447700900461")
	frappe.db.rollback()
	assert frappe.db.get_value("Contact", mine.contact, "mobile_no") == "+447700900461"

	# upload a checklist document
	portal.open_onboarding()
	expect(portal.item(mine.staff_item)).to_have_count(0)  # the firm's own items take no uploads
	document = tmp_path / "utility-bill.pdf"
	document.write_bytes(pdf_bytes("utility bill"))
	portal.upload(portal.uploadable_items.first, str(document))
	expect(portal.attachment(portal.uploadable_items.first)).to_contain_text("utility-bill")
	expect(portal.item_state(portal.uploadable_items.first)).to_have_text("Provided")

	# open an invoice and its PDF
	portal.open_invoice(mine.invoice)
	expect(portal.page).to_have_url(portal.invoice_url(mine.invoice))
	pdf = portal.page.request.get(portal.pdf_link.get_attribute("href"))
	assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
	assert "pdf" in pdf.headers["content-type"]

	# another customer's pages are refused
	for path in (f"/portal/invoices/{world.theirs.invoice}", f"/portal/profile?customer={world.theirs.name}"):
		response = portal.page.goto(path)
		assert response.status == 403
		expect(portal.body).not_to_contain_text(world.theirs.customer_name)
		expect(portal.body).to_contain_text("Not Permitted")


def test_a_revoked_customer_cannot_log_in(world, browser, base_url):
	from customer_lifecycle.portal import users

	person = world.theirs
	users.revoke(person.contact)
	update_password(person.user, PASSWORD)  # the password still matches; the login is disabled
	frappe.db.commit()
	context = browser.new_context(base_url=base_url, viewport=PHONE)
	page = context.new_page()
	LoginPage(page).log_in(person.user, PASSWORD)
	portal = Portal(page)
	expect(portal.body).to_contain_text(re.compile("disabled|not allowed", re.I))
	assert page.goto("/portal").status in (200, 302) and "/login" in page.url
	context.close()
