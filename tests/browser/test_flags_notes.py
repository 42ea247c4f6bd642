"""Flags and notes on the customer form: raise a flag and see it above the form, resolve it with a
note; add, pin and delete notes on the Notes & Tasks tab; the email marker; the list marker."""

import frappe
import pytest
from frappe.core.doctype.communication.email import make as make_email
from playwright.sync_api import expect

from tests.browser.pages import CustomerForm, CustomerList
from tests.factories import committed_customers, unique, unique_email

pytestmark = pytest.mark.browser


@pytest.fixture
def customer(site):
	with committed_customers() as make:
		yield make(customer_name=unique("Florence Flagg"), email=unique_email("florence.flagg"), phone=None)


def test_raise_a_flag_see_it_above_the_form_and_resolve_it(login, customer, artifacts):
	form = CustomerForm(login("user")).open(customer.name)
	form.raise_flag("Disputed <b>invoice</b>", "High")

	alert = form.flag_alert
	expect(alert.root).to_be_visible()
	expect(alert.root).to_have_class("form-message cl-flag-alert red")
	expect(alert.reason).to_have_text("Disputed <b>invoice</b>")
	form.page.screenshot(path=f"{artifacts}/flag-raised.png")
	frappe.db.rollback()
	assert frappe.db.get_value("Customer", customer.name, ["active_flag", "flag_severity"]) == (
		"Disputed <b>invoice</b>",
		"High",
	)

	alert.resolve_button.click()
	dialog = form.dialog_with_field("note")
	dialog.button("Resolve").click()
	# the note is required: nothing is resolved without it
	missing = form.dialog_saying("Missing Values Required")
	expect(missing.root).to_contain_text("Resolution Note")
	missing.close()
	expect(alert.root).to_be_visible()
	dialog.field("note").fill("Credit note issued")
	dialog.button("Resolve").click()
	expect(alert.root).to_be_hidden()
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

	form = CustomerForm(login("user")).open(customer.name)
	tab = form.notes_tab
	tab.show()
	email_note = tab.note("Welcome pack")
	expect(email_note.email_marker).to_be_visible()
	# logged by Administrator: a Customer User may pin it, not edit or delete it
	expect(email_note.button("Delete")).to_have_count(0)
	expect(email_note.button("Edit")).to_have_count(0)

	tab.add_note("Prefers calls after 2pm")
	mine = tab.note("Prefers calls after 2pm")
	expect(mine.root).to_be_visible()
	expect(mine.author).to_have_text("cl.user")
	expect(tab.first_note.root).to_contain_text("Prefers calls after 2pm")

	email_note.button("Pin").click()
	expect(tab.first_note.root).to_contain_text("Welcome pack")
	expect(tab.first_note.pinned).to_be_visible()
	form.page.screenshot(path=f"{artifacts}/notes-tab.png")

	mine.button("Delete").click()
	form.dialog().button("Yes").click()
	expect(mine.root).to_have_count(0)
	frappe.db.rollback()
	assert frappe.db.count("Customer Note", {"customer": customer.name}) == 1


def test_list_marker_escapes_the_reason(login):
	customers = CustomerList(login("user")).open()
	html = customers.indicator_html({"active_flag": 'Owes "£5" <script>', "flag_severity": "Low"})
	assert 'class="indicator yellow cl-flag-indicator"' in html
	assert "<script>" not in html and "&lt;script&gt;" in html and "&quot;£5&quot;" in html
	assert customers.indicator_html({"name": "x"}) == ""
