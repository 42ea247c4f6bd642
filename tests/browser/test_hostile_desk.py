"""Stored hostile text comes back escaped in the desk (the hostile-input suite's browser part; the
portal and print formats: tests/integration/hostile/test_stored.py).

A customer whose name, flag, task, engagement and invoice hold the script payload, written straight
to the database as a bulk write or another app may write them, and whose notes hold it as a save
leaves it: its form (every tab), the 360 header and the list show it as text, and neither its script
nor its image's error handler runs."""

import frappe
import pytest
from frappe.utils.html_utils import sanitize_html
from playwright.sync_api import expect

from tests.browser.pages import CustomerForm, CustomerList
from tests.factories import committed_customers, make_active_customer, make_invoice, unique, unique_email
from tests.integration.hostile.attack import SCRIPT_FLAG, attack_text

pytestmark = pytest.mark.browser


@pytest.fixture
def hostile_customer(site):
	text = attack_text()
	with committed_customers(make_active_customer) as make:
		customer = make(customer_name=unique("Hostile Text"), email=unique_email("hostile.text"))
		name = customer.name
		frappe.get_doc(
			{"doctype": "Customer Flag", "customer": name, "reason": "Flag", "severity": "High"}
		).insert()
		note = frappe.get_doc({"doctype": "Customer Note", "customer": name, "content": "Note"}).insert()
		engagement = frappe.get_doc({"doctype": "Engagement", "customer": name, "title": "Work"}).insert()
		invoice = make_invoice(name, submit=False)
		frappe.get_doc(
			{"doctype": "ToDo", "reference_type": "Customer", "reference_name": name, "description": "Task"}
		).insert()
		# the rich text and the notes (a read-only Small Text shows as HTML) as a save leaves them, which
		# is how every path writes them (the Customer Import makes markup harmless as a save would)
		frappe.db.set_value("Customer Note", note.name, "content", sanitize_html(f"<p>{text}</p>"))
		frappe.db.set_value("Customer", name, "notes", sanitize_html(text), update_modified=False)
		# plain text straight to the database, as a bulk write or another app may write it
		frappe.db.set_value(
			"Customer", name, {"customer_name": text, "active_flag": text}, update_modified=False
		)
		frappe.db.set_value("Customer Flag", {"customer": name}, "reason", text)
		frappe.db.set_value("Engagement", engagement.name, "title", text)
		frappe.db.set_value("Customer Invoice Item", {"parent": invoice.name}, "description", text)
		frappe.db.set_value("ToDo", {"reference_name": name}, "description", text)
		frappe.db.commit()
		customer.text = text
		yield customer


def assert_nothing_ran(page, dialogs):
	where = page.evaluate(
		"""() => [...document.querySelectorAll('[onerror]')].map(i => {
			let e = i, path = [];
			while (e && path.length < 6) {
				path.push(e.tagName + '.' + (e.className || '') + '[' + (e.dataset.fieldname || '') + ']');
				e = e.parentElement;
			}
			return path.join(' < ');
		})"""
	)
	assert not where, f"the payload's error handler is markup on the page: {where}"
	assert page.evaluate(f"window.{SCRIPT_FLAG}") is None, "the payload's image error handler ran"
	assert not dialogs, f"the payload's script ran: {dialogs}"


def test_the_desk_shows_stored_text_as_text(login, hostile_customer):
	page = login("manager")
	dialogs = []
	page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
	form = CustomerForm(page).open(hostile_customer.name)
	# (Frappe shows a title without its tags)
	expect(form.title).to_contain_text('alert("hostile")')
	assert_nothing_ran(page, dialogs)
	expect(form.flag_alert.reason).to_have_text(hostile_customer.text)
	for tab in (form.notes_tab, form.invoices_tab, form.contacts_tab, form.onboarding_tab):
		tab.show()
		page.wait_for_timeout(300)
		assert_nothing_ran(page, dialogs)
	expect(form.notes_tab.content).to_contain_text('alert("hostile")')
	customers = CustomerList(page).open_named_like("hostile")
	expect(customers.row_of(hostile_customer.name)).to_contain_text('alert("hostile")')
	assert_nothing_ran(page, dialogs)
