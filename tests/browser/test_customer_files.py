"""The customer's Files tab: a folder made there and a file uploaded into it; the header counts it."""

import os

import frappe
import pytest
from playwright.sync_api import expect

from tests.browser.pages import CustomerForm
from tests.factories import committed_customers, unique, unique_email

pytestmark = pytest.mark.browser


@pytest.fixture
def customer(site):
	with committed_customers() as make:
		yield make(
			customer_name=unique("Lord Peter"), customer_type="Individual", email=unique_email("peter")
		)


def test_make_a_folder_and_upload_into_it(login, customer, artifacts, tmp_path):
	receipt = tmp_path / "receipt-0042.txt"
	receipt.write_text("Paid in full.")
	form = CustomerForm(login("user")).open(customer.name)
	tab = form.files_tab
	tab.show()
	tab.add_folder("Receipts")
	tab.upload("Receipts", str(receipt))

	folder = tab.folder("Receipts")
	expect(folder).to_contain_text("1 file")
	expect(tab.content.locator(".cl-files-recent")).to_contain_text("receipt-0042.txt")
	expect(tab.content.locator(".cl-files-here")).to_contain_text("Receipts")
	expect(tab.content.locator(".cl-files-list")).to_contain_text("receipt-0042.txt")
	expect(form.header.figure("files")).to_have_text("1")
	expect(form.page.locator(".modal-backdrop")).to_have_count(0)
	form.page.screenshot(path=os.path.join(artifacts, "customer-files.png"), full_page=True)

	frappe.db.rollback()
	root = f"Home/Customers/{customer.name}"
	assert frappe.db.get_value("File", f"{root}/Receipts", "is_folder") == 1
	assert frappe.get_all(
		"File",
		filters={"attached_to_doctype": "Customer", "attached_to_name": customer.name, "is_folder": 0},
		fields=["file_name", "folder"],
	) == [{"file_name": "receipt-0042.txt", "folder": f"{root}/Receipts"}]
