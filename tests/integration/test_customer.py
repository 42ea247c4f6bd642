"""The Customer record: naming, defaults, normalisation, search, archive."""

import re

import frappe
import pytest

from customer_lifecycle.api.customer import set_archived
from customer_lifecycle.customers.search import customer_query
from customer_lifecycle.lifecycle.engine import get_workflow, initial_state


def test_new_customer_is_named_by_series_and_starts_in_first_state(make_customer):
	customer = make_customer(customer_name="  Ada   Lovelace ")
	assert re.fullmatch(r"CUST-\d{4}-\d{5}", customer.name)
	assert customer.customer_name == "Ada Lovelace"
	assert customer.customer_type == "Individual"
	assert customer.archived == 0
	assert customer.lifecycle_status == initial_state(get_workflow()) == "Prospect"
	assert frappe.db.get_value("Customer", customer.name, "lifecycle_status") == "Prospect"


def test_email_and_phone_are_normalised(make_customer):
	customer = make_customer(email="  Grace.Hopper@Example.COM ", phone="020 7946 0958")
	stored = frappe.db.get_value("Customer", customer.name, ["email", "phone"], as_dict=True)
	assert stored.email == "grace.hopper@example.com"
	assert stored.phone == "+442079460958"  # the site's country (United Kingdom) for a local number


@pytest.mark.parametrize(
	"field, value, label",
	[
		("email", "not-an-email", "Email"),
		("phone", "12345", "Phone"),
		("customer_name", "   ", "Customer Name"),
	],
)
def test_bad_values_are_refused_with_the_field_named(make_customer, field, value, label):
	with pytest.raises(frappe.ValidationError) as error:
		make_customer(**{field: value})
	assert label in str(error.value)


def test_a_refused_edit_leaves_the_saved_record_as_it_was(make_customer):
	customer = make_customer(email="kept@example.com")
	doc = frappe.get_doc("Customer", customer.name)
	doc.email = "broken@"
	doc.id_number = "ID-123"
	with pytest.raises(frappe.ValidationError):
		doc.save()
	assert frappe.db.get_value("Customer", customer.name, ["email", "id_number"]) == (
		"kept@example.com",
		None,
	)


def test_category_must_exist(make_customer):
	assert set(frappe.get_all("Customer Category", pluck="name")) >= {
		"Retail",
		"Wholesale",
		"VIP",
		"Corporate",
		"Member",
	}
	assert make_customer(customer_category="VIP").customer_category == "VIP"
	with pytest.raises(frappe.LinkValidationError):
		make_customer(customer_category="No Such Category")


def test_search_by_name_email_phone_and_id_number(make_customer):
	customer = make_customer(
		customer_name="Zebedee Quartermaine",
		email="zq@quarter.example",
		phone="+44 20 7946 0111",
		id_number="ZQ-99177",
	)
	for txt in ["Quartermaine", "zq@quarter", "020 7946 0111", "+442079460111", "ZQ-99177"]:
		names = [row[0] for row in customer_query("Customer", txt, "name", 0, 20, {})]
		assert customer.name in names, txt
	set_archived(customer.name, True)
	assert customer.name not in [r[0] for r in customer_query("Customer", "Quartermaine", "name", 0, 20, {})]


def test_archive_and_restore_keep_the_lifecycle(make_customer):
	customer = make_customer()
	assert set_archived(customer.name, True) == {"name": customer.name, "archived": 1}
	row = frappe.db.get_value("Customer", customer.name, ["archived", "lifecycle_status"], as_dict=True)
	assert row.archived == 1 and row.lifecycle_status == "Prospect"
	set_archived(customer.name, False)
	assert frappe.db.get_value("Customer", customer.name, "archived") == 0


def test_settings_refuse_a_state_the_workflow_does_not_have():
	settings = frappe.get_doc("Customer Lifecycle Settings")
	frappe.get_doc({"doctype": "Workflow State", "workflow_state_name": "Nowhere"}).insert(
		ignore_if_duplicate=True
	)
	settings.dormant_state = "Nowhere"
	with pytest.raises(frappe.ValidationError) as error:
		settings.save()
	assert "Dormant State" in str(error.value)
	assert frappe.db.get_single_value("Customer Lifecycle Settings", "dormant_state") == "Dormant"


def test_the_list_indexes_carry_its_filters():
	"""The desk list (archived, a lifecycle state, newest first) has its index, and no index orders by
	`modified` alone: MariaDB walked such an index and read every row to test the state."""
	indexes = {}
	for row in frappe.db.sql("show index from `tabCustomer`", as_dict=True):
		indexes.setdefault(row.Key_name, []).append(row.Column_name)
	assert indexes["archived_lifecycle_modified"] == ["archived", "lifecycle_status", "modified"]
	assert indexes["modified_archived_lifecycle"] == ["modified", "archived", "lifecycle_status"]
	assert not [name for name, columns in indexes.items() if columns[0] == "modified" and len(columns) == 1]
	assert "archived_modified" not in indexes
