"""Information requests in a browser: a portal customer, on a phone-sized screen, answers a request on
the portal's Requests page (a question in words, a document uploaded) until it is complete; a contact
without a portal login does the same through the request's one-time link; the customer form's
Requests tab lists them and its header counts the open ones."""

import frappe
import pytest
from frappe.utils import add_days, nowdate
from playwright.sync_api import expect

from customer_lifecycle.onboarding import links
from tests.browser.forms import show_tab
from tests.factories import make_active_customer, make_portal_customer, make_request, pdf_bytes
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def item_card(page, item: str):
	return page.locator(f".card.cl-portal-item[data-item='{item}']")


def answer_and_upload(page, question: str, document: str, tmp_path) -> None:
	"""Answer the question and upload a document for the other item, each saved by its own form."""
	card = item_card(page, question)
	card.locator("textarea").fill("TAX-REF-4411")
	card.get_by_role("button", name="Save answer").click()
	expect(item_card(page, question).locator(".cl-portal-item-state")).to_have_text("Provided")
	expect(item_card(page, question).locator("textarea")).to_have_value("TAX-REF-4411")

	file = tmp_path / "bank-statements.pdf"
	file.write_bytes(pdf_bytes(f"statements {frappe.generate_hash(length=6)}"))
	card = item_card(page, document)
	card.locator("input[type=file]").set_input_files(str(file))
	card.get_by_role("button", name="Upload", exact=True).click()


def test_a_portal_customer_answers_a_request_on_the_portal(browser, base_url, tmp_path):
	frappe.set_user("Administrator")
	mine = make_portal_customer("requests")
	frappe.db.commit()
	context = browser.new_context(base_url=base_url, viewport=PHONE, is_mobile=True)
	context.set_default_timeout(20_000)
	page = context.new_page()
	page.goto("/login")
	page.fill("#login_email", mine.user)
	page.fill("#login_password", PASSWORD)
	page.click(".btn-login")
	page.wait_for_url("**/portal**")

	# the overview counts it, the menu leads to it
	expect(page.locator(".cl-portal-figure[href^='/portal/requests']")).to_contain_text("1")
	page.goto("/portal/requests")
	section = page.locator(f".cl-portal-info-request[data-request='{mine.request}']")
	expect(section).to_be_visible()
	expect(page.locator(f"[data-request='{mine.draft_request}']")).to_have_count(0)
	# a question takes words, a document a file
	expect(item_card(page, mine.request_question).locator("input[type=file]")).to_have_count(0)
	expect(item_card(page, mine.request_document).locator("textarea")).to_have_count(0)

	answer_and_upload(page, mine.request_question, mine.request_document, tmp_path)
	expect(page.locator(".cl-portal-completed-requests")).to_contain_text(
		frappe.db.get_value("Information Request", mine.request, "title")
	)
	expect(page.locator(".cl-portal-info-request")).to_have_count(0)
	frappe.db.rollback()
	assert frappe.db.get_value("Information Request", mine.request, "status") == "Complete"
	row = frappe.db.get_value(
		"Information Request Item", mine.request_question, ["answer", "done_by"], as_dict=True
	)
	assert (row.answer, row.done_by) == ("TAX-REF-4411", mine.user)
	assert frappe.db.get_value("Information Request Item", mine.request_document, "attachment")
	context.close()


def test_a_contact_answers_through_the_one_time_link(browser, base_url, tmp_path):
	frappe.set_user("Administrator")
	customer = make_active_customer()
	doc = make_request(customer.name, sent=True)
	frappe.db.commit()
	question, document = (row.name for row in sorted(doc.items, key=lambda r: r.kind != "Question"))
	context = browser.new_context(base_url=base_url, viewport=PHONE, is_mobile=True)
	context.set_default_timeout(20_000)
	page = context.new_page()
	page.goto(f"/request?{links.query(doc.name, add_days(nowdate(), 14))}")
	expect(page.locator(".cl-portal-title")).to_have_text(doc.title)

	answer_and_upload(page, question, document, tmp_path)
	# the last item completes the request: the page thanks them (the link works no more)
	expect(page.locator(".cl-request-done")).to_be_visible()
	frappe.db.rollback()
	assert frappe.db.get_value("Information Request", doc.name, "status") == "Complete"
	assert frappe.db.get_value("Information Request Item", question, "answer") == "TAX-REF-4411"
	assert page.goto(f"/request?{links.query(doc.name, add_days(nowdate(), 14))}").status == 403
	context.close()


def test_the_customer_form_lists_requests_and_counts_the_open_ones(login):
	frappe.set_user("Administrator")
	customer = make_active_customer()
	draft = make_request(customer.name)
	sent = make_request(customer.name, sent=True)
	frappe.db.commit()
	page = login("manager")
	page.goto(f"/app/customer/{customer.name}")
	expect(page.locator(".cl-360-count[data-key='open_requests'] .cl-360-figure")).to_have_text("1")
	table = page.locator(".cl-ledger[data-ledger='requests']")
	show_tab(page, "Requests", table)
	expect(table.locator("tbody tr")).to_have_count(2)
	expect(table.locator("tbody tr").first).to_contain_text(sent.title)
	expect(table.locator("tbody tr").first).to_contain_text("Sent")
	# a draft can be sent from its row; a sent one is sent again from its form
	expect(table.locator(f"[data-action=send][data-name='{draft.name}']")).to_be_visible()
	expect(table.locator(f"[data-action=send][data-name='{sent.name}']")).to_have_count(0)
