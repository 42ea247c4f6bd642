"""SQL injection through report filters, tried over HTTP as a user with report access would.

MariaDB reads a backslash inside a quoted string as an escape: a value pasted into SQL with its
quotes doubled but its backslashes left alone ends the string early. Receivables Aging did that with
its customer and category filters (`\\' OR 1=1 #` answered with a MariaDB syntax error); every value
is a bound parameter now."""

import json
import uuid

import frappe
import pytest

from customer_lifecycle.utils.doctypes import INVOICE
from tests.factories import make_active_customer, make_invoice

REPORT_RUN = "/api/method/frappe.desk.query_report.run"
PAYLOADS = (
	"\\' OR 1=1 #",
	"\\' OR 1=1 -- ",
	"\\' UNION SELECT name, password, 1, 1, 1, 1, 1, 1, 1 FROM `__Auth` #",
	"\\'; SELECT SLEEP(3); #",
	"x\\\\' OR '1'='1",
)


def run_report(client, base_url, report: str, filters: dict):
	return client.post(
		f"{base_url}{REPORT_RUN}",
		data={"report_name": report, "filters": json.dumps(filters), "ignore_prepared_report": 1},
		timeout=30,
	)


@pytest.fixture
def category_with_a_backslash_and_a_quote():
	"""A real category whose name holds what the attack uses, with a customer who owes money."""
	name = f"Bob\\'s \\\\ Trade {uuid.uuid4().hex[:6]}"
	frappe.get_doc({"doctype": "Customer Category", "category_name": name}).insert()
	frappe.db.commit()
	return name


@pytest.mark.parametrize("field", ["customer", "customer_category"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_receivables_aging_filters_are_values_not_sql(http, base_url, field, payload):
	r = run_report(http("user"), base_url, "Receivables Aging", {field: payload})
	assert r.status_code == 200, r.text[:500]
	assert "SQL syntax" not in r.text and "ProgrammingError" not in r.text
	assert r.json()["message"]["result"] == []
	assert r.elapsed.total_seconds() < 2


def test_a_category_named_with_a_backslash_and_a_quote_is_found(
	http, base_url, category_with_a_backslash_and_a_quote
):
	customer = make_active_customer(customer_category=category_with_a_backslash_and_a_quote).name
	invoice = make_invoice(customer).name
	frappe.db.commit()
	r = run_report(
		http("user"),
		base_url,
		"Receivables Aging",
		{"customer_category": category_with_a_backslash_and_a_quote},
	)
	assert r.status_code == 200, r.text[:500]
	rows = [row for row in r.json()["message"]["result"] if isinstance(row, dict)]  # less the total row
	assert [row["customer"] for row in rows] == [customer]
	assert rows[0]["outstanding"] == frappe.db.get_value(INVOICE, invoice, "outstanding_amount")
