"""Exporting customers: the report view's CSV / Excel export with chosen columns, and the report PDF
of a filtered list, through Frappe's own endpoints, as the people who use them."""

import csv
import io
import json

import frappe
import pytest
from frappe.desk.reportview import export_query
from frappe.desk.reportview import get as reportview_get
from frappe.utils import escape_html
from frappe.utils.print_format import report_to_pdf
from openpyxl import load_workbook

from tests.helpers import as_user

# the chosen columns, then `owner`: Frappe (15.9x and later) adds it to every export for its
# export-if-owner permission check, and leaves it in the file
EXPORTED_COLUMNS = ["Sr", "ID", "Customer Name", "Email", "Phone", "owner"]
FIELDS = [
	"`tabCustomer`.`name`",
	"`tabCustomer`.`customer_name`",
	"`tabCustomer`.`email`",
	"`tabCustomer`.`phone`",
]


@pytest.fixture(autouse=True)
def _access_log_keeps_the_transaction(site):
	"""Each export writes an Access Log and commits, except under Frappe's test flag: set it, so
	that what these tests make is still rolled back."""
	previous = frappe.flags.in_test
	frappe.flags.in_test = True
	yield
	frappe.flags.in_test = previous


@pytest.fixture
def exported_customers(make_customer):
	"""Three customers in one category and one in another, so a filter has something to leave out."""
	made = [
		make_customer(
			customer_name=f"Export Vip {i}",
			email=f"export.vip{i}@export-test.example",
			customer_category="VIP",
		)
		for i in range(3)
	]
	made.append(
		make_customer(
			customer_name="Export Retail",
			email="export.retail@export-test.example",
			customer_category="Retail",
		)
	)
	return made


def filters(category: str) -> list:
	return [
		["Customer", "customer_category", "=", category],
		["Customer", "email", "like", "%@export-test.example"],
	]


def call_export(file_format: str, category: str):
	frappe.local.response = frappe._dict()
	frappe.local.form_dict = frappe._dict(
		doctype="Customer",
		file_format_type=file_format,
		title="Customer",
		fields=json.dumps(FIELDS),
		filters=json.dumps(filters(category)),
		order_by="`tabCustomer`.`customer_name` asc",
	)
	export_query()
	return frappe.local.response


def test_csv_export_has_the_chosen_columns_and_the_filtered_rows(exported_customers, personas):
	with as_user(personas["manager"]):
		response = call_export("CSV", "VIP")
	assert response.type == "binary" and response.filename == "Customer.csv"
	rows = list(csv.reader(io.StringIO(response.filecontent.decode())))
	assert rows[0] == EXPORTED_COLUMNS
	vips = sorted(exported_customers[:3], key=lambda c: c.customer_name)
	assert [r[1:4] for r in rows[1:]] == [[c.name, c.customer_name, c.email] for c in vips]
	assert all(r[4].startswith("+44") for r in rows[1:])


def test_excel_export_has_the_same_content(exported_customers, personas):
	with as_user(personas["manager"]):
		response = call_export("Excel", "Retail")
	assert response.filename == "Customer.xlsx"
	sheet = load_workbook(io.BytesIO(response.filecontent)).active
	rows = [list(r) for r in sheet.iter_rows(values_only=True)]
	assert rows[0] == EXPORTED_COLUMNS
	retail = exported_customers[3]
	assert [r[1:4] for r in rows[1:]] == [[retail.name, "Export Retail", "export.retail@export-test.example"]]


def test_customer_users_may_export_and_others_may_not(exported_customers, personas):
	with as_user(personas["user"]):
		assert b"Export Vip 0" in call_export("CSV", "VIP").filecontent
	with as_user(personas["outsider"]):
		with pytest.raises(frappe.PermissionError):
			call_export("CSV", "VIP")


def test_the_report_pdf_of_a_filtered_list(exported_customers, personas):
	"""What the report view's print does: the list as the user sees it, rendered, sent to Frappe's
	report PDF endpoint."""
	from pypdf import PdfReader

	with as_user(personas["manager"]):
		frappe.local.form_dict = frappe._dict(
			doctype="Customer",
			fields=json.dumps(FIELDS),
			filters=json.dumps(filters("VIP")),
			order_by="`tabCustomer`.`customer_name` asc",
			start=0,
			page_length=100,
			view="Report",
		)
		listed = reportview_get()
		keys, values = listed["keys"], listed["values"]
		html = "<h2>Customer</h2><table>{}{}</table>".format(
			"<tr>" + "".join(f"<th>{escape_html(k)}</th>" for k in keys) + "</tr>",
			"".join(
				"<tr>" + "".join(f"<td>{escape_html(v or '')}</td>" for v in row) + "</tr>" for row in values
			),
		)
		frappe.local.response = frappe._dict()
		report_to_pdf(html, orientation="Portrait")
		response = frappe.local.response
	assert response.type == "pdf" and response.filename == "report.pdf"
	text = " ".join(
		" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.filecontent)).pages
	)
	for customer in exported_customers[:3]:
		assert customer.customer_name in text and customer.name in text
	assert "Export Retail" not in text


def test_export_and_pdf_over_http(http, base_url):
	"""The endpoints the desk calls, as a Customer Manager and as a user without the roles."""
	params = {
		"doctype": "Customer",
		"file_format_type": "CSV",
		"title": "Customer",
		"fields": json.dumps(FIELDS),
		"filters": json.dumps(filters("VIP")),
	}
	r = http("manager").post(f"{base_url}/api/method/frappe.desk.reportview.export_query", data=params)
	assert r.status_code == 200, r.text
	assert r.headers["Content-Disposition"].endswith("filename=Customer.csv")
	assert next(csv.reader(io.StringIO(r.text))) == EXPORTED_COLUMNS
	r = http("outsider").post(f"{base_url}/api/method/frappe.desk.reportview.export_query", data=params)
	assert r.status_code == 403
	r = http("manager").post(
		f"{base_url}/api/method/frappe.utils.print_format.report_to_pdf",
		data={"html": "<table><tr><td>Customers</td></tr></table>", "orientation": "Landscape"},
	)
	assert r.status_code == 200 and r.content.startswith(b"%PDF")
