"""A Customer Manager brings in a HubSpot contacts export: uploads it to a new Customer Import,
checks what each column is imported as, corrects one suggestion, saves the mapping and imports."""

import csv
import io
import os
import re
import time
import uuid
from pathlib import Path

import frappe
import pytest
from playwright.sync_api import expect

from customer_lifecycle.benchmarks.cleanup import remove_customers
from tests.browser.forms import until

pytestmark = pytest.mark.browser

HUBSPOT = Path(__file__).resolve().parents[2] / "fixtures" / "hubspot_contacts_export.csv"


def file_emails() -> list[str]:
	rows = csv.DictReader(io.StringIO(HUBSPOT.read_text(encoding="utf-8-sig")))
	return [row["Email"].lower() for row in rows if row["Email"]]


@pytest.fixture
def hubspot_cleanup(site):
	"""Remove what the import made (the browser's commits stay on the test site otherwise)."""

	def remove():
		frappe.db.rollback()
		remove_customers(frappe.get_all("Customer", filters={"email": ("in", file_emails())}, pluck="name"))
		frappe.db.commit()

	remove()
	made = {"imports": [], "mappings": []}
	yield made
	remove()
	for name in made["imports"]:
		frappe.delete_doc("Customer Import", name, force=True, ignore_permissions=True)
	for name in made["mappings"]:
		frappe.delete_doc("Customer Import Mapping", name, force=True, ignore_permissions=True)
	frappe.db.commit()


def column_row(page, title: str):
	"""The row of the Columns table for a column of the file."""
	grid = page.locator('.frappe-control[data-fieldname="columns"]')
	return (
		grid.locator(".grid-row").filter(has=page.locator('[data-fieldname="column"]', has_text=title)).first
	)


def status_of(name: str) -> str:
	frappe.db.rollback()
	return frappe.db.get_value("Customer Import", name, "status")


def test_import_a_hubspot_export_through_a_corrected_mapping(login, hubspot_cleanup, artifacts):
	page = login("manager")
	page.goto("/app/customer-import/new")

	# attach the file with Frappe's uploader, then save: the columns appear
	page.locator('.frappe-control[data-fieldname="import_file"] button').first.click()
	uploader = page.locator(".modal.show").last
	uploader.locator("input[type=file]").set_input_files(str(HUBSPOT))
	uploader.get_by_role("button", name="Upload").click()
	expect(page.locator('.frappe-control[data-fieldname="import_file"]')).to_contain_text(
		"hubspot_contacts_export"
	)
	page.keyboard.press("Control+s")
	page.wait_for_url(re.compile(r".*/app/customer-import/CUST-IMP-\d+$"))
	name = page.url.rsplit("/", 1)[1]
	hubspot_cleanup["imports"].append(name)

	# the suggestions, with each column's first values
	expect(column_row(page, "First Name")).to_contain_text("Amara, Ben, Siobhán")
	expect(column_row(page, "Lifecycle Stage")).to_contain_text("Lifecycle Stage (kept in a note)")
	expect(column_row(page, "Mobile Phone Number")).to_contain_text("Mobile (when Phone is empty)")

	# correct one: HubSpot's record id becomes the ID number
	row = column_row(page, "Record ID")
	select = row.locator('select[data-fieldname="field"]')
	until(
		lambda: row.locator('.grid-static-col[data-fieldname="field"]').click(),
		lambda timeout: expect(select).to_be_visible(timeout=timeout),
	)
	select.select_option("ID Number")
	indicator = page.locator(".page-head .indicator-pill:visible").first
	expect(indicator).to_have_text("Not Saved")
	page.keyboard.press("Control+s")
	expect(indicator).to_have_text("Pending")
	frappe.db.rollback()
	fields = dict(
		frappe.get_all(
			"Customer Import Column", filters={"parent": name}, fields=["column", "field"], as_list=True
		)
	)
	assert fields["Record ID"] == "ID Number"

	# keep the mapping under a name
	mapping = f"HubSpot contacts {uuid.uuid4().hex[:6]}"
	hubspot_cleanup["mappings"].append(mapping)
	page.get_by_role("button", name="Save Mapping").click()
	prompt = page.locator(".modal.show").last
	prompt.locator('input[data-fieldname="mapping_name"]').fill(mapping)
	prompt.get_by_role("button", name="Save").click()
	expect(page.locator('.frappe-control[data-fieldname="mapping"]')).to_contain_text(mapping)
	page.screenshot(path=os.path.join(artifacts, "customer-import-mapping.png"), full_page=True)

	# import: the worker runs the job
	page.get_by_role("button", name="Start Import").click()
	deadline = time.monotonic() + 120
	while status_of(name) in ("Pending", "Queued", "Running") and time.monotonic() < deadline:
		time.sleep(1)
	doc = frappe.get_doc("Customer Import", name)
	assert (doc.status, doc.inserted, doc.duplicates, doc.rejected) == ("Completed with Errors", 8, 1, 4)
	assert doc.mapping == mapping

	saved = frappe.get_doc("Customer Import Mapping", mapping)
	assert {row.column: row.field for row in saved.columns}["Record ID"] == "ID Number"
	amara = frappe.db.get_value(
		"Customer",
		{"email": "amara.osei@lumenhealth.example.com"},
		["customer_name", "customer_type", "id_number"],
		as_dict=True,
	)
	assert amara == {"customer_name": "Amara Osei", "customer_type": "Company", "id_number": "51001"}

	page.reload()
	expect(page.get_by_role("button", name="Download Error File")).to_be_visible()
