"""Stored hostile text comes back escaped: on the portal's pages and in the print formats (the desk's
forms: tests/browser/test_hostile_desk.py).

A portal customer's records hold the script payload in every text field a portal page or a print
format shows: written straight to the database, as a bulk import or another app may write them
(no form's sanitising on the way), and, for the rich-text fields that pages show as HTML, through
the record's save as staff would write them. No answer may hold the payload as markup.
"""

import frappe
import pytest

from tests.integration.hostile.attack import SCRIPT_MARK, attack_text, logged_in
from tests.integration.hostile.test_pages import pages

# what a page that runs the payload holds: the script, or the image whose error handler sets the flag
LIVE = (SCRIPT_MARK, "<img src=x onerror")

# (DocType, the record of the stored customer's, the fields written straight to the database)
PLAIN_FIELDS = (
	("Customer", "name", ("customer_name", "notes", "invoice_notes")),
	("Engagement", "engagement", ("title",)),
	("Customer Invoice", "invoice", ("notes", "invoice_notes")),
	("Customer Payment", "payment", ("reference", "notes")),
	("Address", "address", ("address_title", "address_line1", "city")),
	("Contact", "contact", ("first_name", "last_name")),
	("Information Request", "request", ("title", "message")),
)
# rich text, saved through the record (Frappe's sanitising is what keeps it harmless)
RICH_FIELDS = (("Customer Note", "visible_note", "content"), ("Engagement", "engagement", "description"))


@pytest.fixture(scope="module")
def stored(base_url):
	"""A portal customer whose records hold the payload, and its portal user's session."""
	from tests.factories import make_portal_customer

	frappe.set_user("Administrator")
	customer = make_portal_customer("stored")
	text = attack_text()
	for doctype, key, fields in PLAIN_FIELDS:
		frappe.db.set_value(doctype, customer[key], dict.fromkeys(fields, text), update_modified=False)
	for row in frappe.get_all(
		"Customer Invoice Item", filters={"parent": customer.invoice}, pluck="name"
	) + frappe.get_all("Customer Invoice Item", filters={"parent": customer.draft}, pluck="name"):
		frappe.db.set_value("Customer Invoice Item", row, "description", text, update_modified=False)
	for row in frappe.get_all("Information Request Item", filters={"parent": customer.request}, pluck="name"):
		frappe.db.set_value("Information Request Item", row, {"title": text, "description": text})
	for doctype, key, field in RICH_FIELDS:
		doc = frappe.get_doc(doctype, customer[key])
		doc.set(field, f"<p>Rich {text}</p>")
		doc.save(ignore_permissions=True)
	frappe.db.commit()
	customer.session = logged_in(base_url, customer.user)
	return customer


def live(text: str) -> list[str]:
	return [mark for mark in LIVE if mark in text]


# every portal page that needs no record named (the invoice page: below)
PORTAL_PAGES = [
	route for route, params in pages().items() if route.startswith("/portal") and "name" not in params
]


@pytest.mark.parametrize("path", PORTAL_PAGES)
def test_portal_pages_show_stored_text_escaped(base_url, stored, path):
	r = stored.session.get(f"{base_url}{path}", timeout=30)
	assert r.status_code == 200, r.text[:300]
	assert not live(r.text), f"{path} holds {live(r.text)}"


def test_the_invoice_page_shows_stored_text_escaped(base_url, stored):
	r = stored.session.get(f"{base_url}/portal/invoice", params={"name": stored.invoice}, timeout=30)
	assert r.status_code == 200, r.text[:300]
	assert "&lt;script&gt;" in r.text, "the invoice's stored text is not on its page"
	assert not live(r.text), live(r.text)


def print_formats(doctype: str) -> list[str]:
	return frappe.get_all("Print Format", filters={"doc_type": doctype, "disabled": 0}, pluck="name")


@pytest.mark.parametrize("doctype,key", [("Customer Invoice", "invoice"), ("Customer Payment", "payment")])
def test_print_formats_show_stored_text_escaped(http, base_url, stored, doctype, key):
	"""Every print format of the DocType (the app's and any an admin made), as staff print it and as
	the portal user prints it."""
	formats = print_formats(doctype)
	assert formats, f"no print format for {doctype}"
	for session in (http("manager"), stored.session):
		for print_format in formats:
			r = session.get(
				f"{base_url}/printview",
				params={"doctype": doctype, "name": stored[key], "format": print_format},
				timeout=60,
			)
			assert r.status_code == 200, f"{print_format}: {r.status_code} {r.text[:300]}"
			assert not live(r.text), f"{print_format} holds {live(r.text)}"
