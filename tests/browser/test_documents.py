"""Generated documents on the customer form: a Customer User generates a welcome letter from the
Generated Docs tab, sees it listed and counted in the header, and opens its PDF."""

import os

import frappe
import pytest
from playwright.sync_api import expect

from tests.browser.pages import CustomerForm
from tests.factories import committed_customers, make_active_customer, unique, unique_email

pytestmark = pytest.mark.browser


@pytest.fixture
def customer(site):
	"""An active customer with a primary contact and a billing address, committed; removed afterwards
	(its generated documents and their PDFs with it)."""
	with committed_customers(make_active_customer) as make:
		yield make(
			customer_name=unique("Mary Somerville"),
			email=unique_email("mary.somerville"),
			address_line1="3 Burntisland Road",
			city="Kinghorn",
		)


def test_a_document_is_generated_and_opened(login, customer, artifacts):
	form = CustomerForm(login("user")).open(customer.name)
	tab = form.documents_tab
	tab.show()
	expect(tab.panel).to_contain_text("No documents generated yet.")

	tab.generate("Welcome Letter")

	row = tab.row("Welcome Letter")
	expect(row).to_be_visible()
	expect(form.header.figure("documents")).to_have_text("1")
	frappe.db.rollback()
	[doc] = frappe.get_all(
		"Generated Document",
		filters={"customer": customer.name},
		fields=["name", "title", "file", "file_url", "owner"],
	)
	assert (doc.title, doc.owner) == ("Welcome Letter", "cl.user@example.com")
	expect(row).to_contain_text(doc.name)

	with form.page.expect_popup() as opened:
		tab.open_link(row).click()
	pdf_page = opened.value
	assert pdf_page.url.endswith(doc.file_url.replace(" ", "%20"))
	# what the browser was given: the filed PDF, with the customer's name in it
	response = pdf_page.request.get(doc.file_url)
	assert response.status == 200 and response.headers["content-type"] == "application/pdf"
	content = response.body()
	assert content.startswith(b"%PDF") and content == frappe.get_doc("File", doc.file).get_content()
	form.page.screenshot(path=os.path.join(artifacts, "generated-documents.png"), full_page=True)
