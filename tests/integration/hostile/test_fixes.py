"""The app's bugs the hostile-input suite found, each tried once over HTTP as it was found, with what
must hold now: a 4xx whose message names the field, and nothing stored.

- record_payment with a posting date that is no date: a MariaDB error (500) before;
- text longer than a TEXT column holds (a flag's resolution note, a lifecycle reason): "Data too
  long for column" (500) before;
- the lifecycle apply_workflow with a doc whose doctype is no DocType: ImportError (500) before;
- pin_note on a note that does not exist: a 404 without a message before;
- the portal's refusals said "this record": they name the kind of record now;
- a report's date filter that is no date: Frappe's message, which named no field and showed the
  text as markup, before;
- a Customer Import mapping named with < or >: Frappe's naming message, which named no field.
"""

import json

import frappe

from customer_lifecycle.utils.lengths import TEXT_BYTES
from tests.factories import make_active_customer

API = "/api/method/customer_lifecycle.api"


def said(r) -> str:
	return " ".join(
		json.loads(m).get("message", "") for m in json.loads(r.json().get("_server_messages", "[]"))
	)


def commit_customer():
	customer = make_active_customer()
	frappe.db.commit()
	return customer.name


def test_a_payment_dated_with_text_that_is_no_date(http, base_url):
	customer = commit_customer()
	r = http("manager").post(
		f"{base_url}{API}.billing.record_payment",
		data={"customer": customer, "amount": 10, "posting_date": "\\' OR 1=1 -- "},
		timeout=30,
	)
	assert r.status_code == 417, r.text[:500]
	assert "Posting Date" in said(r) and "is not a date" in said(r), said(r)
	frappe.db.rollback()
	assert not frappe.db.exists("Customer Payment", {"customer": customer})


def test_text_longer_than_its_column_is_refused_naming_the_field(http, base_url):
	customer = commit_customer()
	flag = frappe.get_doc({"doctype": "Customer Flag", "customer": customer, "reason": "Late"}).insert()
	frappe.db.commit()
	too_long = "x" * (TEXT_BYTES + 1)
	r = http("manager").post(
		f"{base_url}{API}.notes.resolve_flag", data={"flag": flag.name, "note": too_long}, timeout=30
	)
	assert r.status_code == 417, r.text[:500]
	assert "Resolution Note is too long" in said(r).replace("<strong>", "").replace("</strong>", "")
	frappe.db.rollback()
	assert frappe.db.get_value("Customer Flag", flag.name, "status") == "Active"

	r = http("manager").post(
		f"{base_url}{API}.lifecycle.apply_action",
		data={"customer": customer, "action": "Start Offboarding", "reason": too_long},
		timeout=30,
	)
	assert r.status_code == 417, r.text[:500]
	assert "Reason" in said(r), said(r)
	frappe.db.rollback()
	assert frappe.db.get_value("Customer", customer, "lifecycle_status") == "Active"


def test_apply_workflow_with_a_doctype_that_is_none(http, base_url):
	r = http("manager").post(
		f"{base_url}{API}.lifecycle.apply_workflow",
		data={"doc": json.dumps({"doctype": "../../etc", "name": "x"}), "action": "Activate"},
		timeout=30,
	)
	assert r.status_code == 404, r.text[:500]
	assert "doc.doctype" in said(r), said(r)


def test_pinning_a_note_that_does_not_exist(http, base_url):
	r = http("manager").post(
		f"{base_url}{API}.notes.pin_note", data={"note": "no-such-note", "pinned": 1}, timeout=30
	)
	assert r.status_code == 404, r.text[:500]
	assert "Customer Note" in said(r) and "no-such-note" in said(r), said(r)


def test_a_report_date_that_is_no_date(http, base_url):
	r = http("manager").post(
		f"{base_url}/api/method/frappe.desk.query_report.run",
		data={
			"report_name": "Revenue by Customer",
			"filters": json.dumps({"from_date": '<img src=x onerror="alert(1)">', "to_date": "2026-01-01"}),
			"ignore_prepared_report": 1,
		},
		timeout=30,
	)
	assert r.status_code == 417, r.text[:500]
	assert "From Date" in said(r), said(r)
	assert "<img" not in said(r), said(r)


def test_a_mapping_named_with_markup(site):
	"""(save_mapping checks the import first: called here as its form's button leads to it.)"""
	import pytest

	from customer_lifecycle.customers.doctype.customer_import_mapping import (
		customer_import_mapping as mappings,
	)

	with pytest.raises(frappe.NameError) as refused:
		mappings.save("<b>Mine</b>", [])
	assert "Mapping Name" in str(refused.value)
	assert not frappe.db.exists("Customer Import Mapping", "<b>Mine</b>")
