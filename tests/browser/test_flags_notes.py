"""Flags and notes on the customer form: raise a flag and see it above the form, resolve it with a
note; add, pin and delete notes on the Notes & Tasks tab; the email marker; the list marker."""

import frappe
import pytest
from frappe.core.doctype.communication.email import make as make_email
from playwright.sync_api import expect

from tests.browser.forms import show_tab

pytestmark = pytest.mark.browser


@pytest.fixture
def customer(site):
	doc = frappe.get_doc(
		{"doctype": "Customer", "customer_name": "Florence Flagg", "email": "florence.flagg@example.org"}
	).insert()
	frappe.db.commit()
	yield doc
	frappe.db.rollback()
	for doctype in ("Customer Flag", "Customer Note"):
		frappe.db.delete(doctype, {"customer": doc.name})
	frappe.db.delete("Communication", {"reference_doctype": "Customer", "reference_name": doc.name})
	frappe.delete_doc("Customer", doc.name, force=True)
	frappe.db.commit()


def test_raise_a_flag_see_it_above_the_form_and_resolve_it(login, customer, artifacts):
	page = login("user")
	page.goto(f"/app/customer/{customer.name}")
	page.get_by_role("button", name="Raise Flag").click()
	dialog = page.locator(".modal.show")
	dialog.locator('[data-fieldname="reason"] input').fill("Disputed <b>invoice</b>")
	dialog.locator('[data-fieldname="severity"] select').select_option("High")
	dialog.get_by_role("button", name="Raise Flag").click()

	alert = page.locator(".cl-flag-alert")
	expect(alert).to_be_visible()
	expect(alert).to_have_class("form-message cl-flag-alert red")
	expect(alert.locator(".cl-flag-reason")).to_have_text("Disputed <b>invoice</b>")
	page.screenshot(path=f"{artifacts}/flag-raised.png")
	frappe.db.rollback()
	assert frappe.db.get_value("Customer", customer.name, ["active_flag", "flag_severity"]) == (
		"Disputed <b>invoice</b>",
		"High",
	)

	alert.get_by_role("button", name="Resolve").click()
	dialog = page.locator(".modal.show").filter(has=page.locator('[data-fieldname="note"]'))
	dialog.get_by_role("button", name="Resolve").click()
	# the note is required: nothing is resolved without it
	missing = page.locator(".modal.show", has_text="Missing Values Required")
	expect(missing).to_contain_text("Resolution Note")
	missing.locator(".btn-modal-close").click()
	expect(alert).to_be_visible()
	dialog.locator('[data-fieldname="note"] textarea').fill("Credit note issued")
	dialog.get_by_role("button", name="Resolve").click()
	expect(alert).to_be_hidden()
	frappe.db.rollback()
	flag = frappe.get_last_doc("Customer Flag", filters={"customer": customer.name})
	assert (flag.status, flag.resolution_note) == ("Resolved", "Credit note issued")
	assert frappe.db.get_value("Customer", customer.name, "active_flag") is None


def test_notes_tab_adds_pins_marks_emails_and_deletes(login, customer, artifacts):
	make_email(
		doctype="Customer",
		name=customer.name,
		subject="Welcome pack",
		content="<p>Your welcome pack is attached.</p>",
		recipients=customer.email,
		send_email=False,
	)
	frappe.db.commit()

	page = login("user")
	page.goto(f"/app/customer/{customer.name}")
	notes = page.locator('[data-fieldname="notes_html"]')
	show_tab(page, "Notes & Tasks", notes)
	email_note = notes.locator(".cl-note", has_text="Welcome pack")
	expect(email_note.locator(".cl-note-email")).to_be_visible()
	# logged by Administrator: a Customer User may pin it, not edit or delete it
	expect(email_note.get_by_role("button", name="Delete")).to_have_count(0)
	expect(email_note.get_by_role("button", name="Edit")).to_have_count(0)

	notes.get_by_role("button", name="Add Note").click()
	dialog = page.locator(".modal.show")
	dialog.locator('[data-fieldname="content"] .ql-editor[contenteditable="true"]').fill(
		"Prefers calls after 2pm"
	)
	dialog.get_by_role("button", name="Add Note").click()
	mine = notes.locator(".cl-note", has_text="Prefers calls after 2pm")
	expect(mine).to_be_visible()
	expect(mine.locator(".cl-note-author")).to_have_text("cl.user")
	expect(notes.locator(".cl-note").first).to_contain_text("Prefers calls after 2pm")

	email_note.get_by_role("button", name="Pin").click()
	expect(notes.locator(".cl-note").first).to_contain_text("Welcome pack")
	expect(notes.locator(".cl-note").first.locator(".cl-note-pinned")).to_be_visible()
	page.screenshot(path=f"{artifacts}/notes-tab.png")

	mine.get_by_role("button", name="Delete").click()
	page.locator(".modal.show").get_by_role("button", name="Yes").click()
	expect(notes.locator(".cl-note", has_text="Prefers calls after 2pm")).to_have_count(0)
	frappe.db.rollback()
	assert frappe.db.count("Customer Note", {"customer": customer.name}) == 1


def test_list_marker_escapes_the_reason(login):
	page = login("user")
	page.goto("/app/customer")
	html = page.evaluate(
		"""() => customer_lifecycle.flags.list_indicator_html(
			{active_flag: 'Owes "£5" <script>', flag_severity: 'Low'})"""
	)
	assert 'class="indicator yellow cl-flag-indicator"' in html
	assert "<script>" not in html and "&lt;script&gt;" in html and "&quot;£5&quot;" in html
	assert page.evaluate("() => customer_lifecycle.flags.list_indicator_html({name: 'x'})") == ""
