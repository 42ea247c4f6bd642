"""Completeness on Customer: kept current as the customer, its contacts and addresses change, and
recomputed for everyone when the settings change."""

import uuid

import frappe
import pytest

from customer_lifecycle.customers.completeness import get_rules, recompute_all
from customer_lifecycle.utils.doctypes import SETTINGS


def stored(name: str) -> float:
	return frappe.db.get_value("Customer", name, "completeness")


def test_score_follows_the_customer_and_its_records(make_customer):
	customer = make_customer(email=None, phone=None)
	assert stored(customer.name) == 0
	customer.reload()
	customer.email = "complete@example.com"  # email, and the primary contact made from it
	customer.save()
	assert stored(customer.name) == pytest.approx(33.3)
	frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": "HQ",
			"address_type": "Billing",
			"address_line1": "1 Main Street",
			"city": "Bath",
			"country": "United Kingdom",
			"links": [{"link_doctype": "Customer", "link_name": customer.name}],
		}
	).insert()
	assert stored(customer.name) == 50.0
	customer.reload()
	customer.update({"phone": "+442079460000", "id_number": "AB123456C", "customer_category": "VIP"})
	customer.save()
	assert stored(customer.name) == 100.0


def test_changed_settings_recompute_everyone_and_count_intake_fields(make_customer):
	customer = make_customer(id_number=f"ID-{uuid.uuid4().hex[:8]}")
	before = stored(customer.name)
	settings = frappe.get_single(SETTINGS)
	settings.set(
		"completeness_rules", [{"fieldname": "id_number", "weight": 1}, {"fieldname": "notes", "weight": 3}]
	)
	settings.save()
	assert get_rules() == [("id_number", 1.0), ("notes", 3.0)]
	assert settings.completeness_rules[1].label == "Notes"
	assert stored(customer.name) == before  # the recompute is a background job ...
	recompute_all(commit=False)  # ... run here as the worker would, inside the test's transaction
	assert stored(customer.name) == 25.0


@pytest.mark.parametrize("fieldname", ["no_such_field", "details_tab"])
def test_a_data_point_must_be_a_customer_field(fieldname):
	settings = frappe.get_single(SETTINGS)
	settings.append("completeness_rules", {"fieldname": fieldname, "weight": 1})
	with pytest.raises(frappe.ValidationError) as error:
		settings.save()
	assert fieldname in str(error.value)


def test_the_score_is_indexed_and_shown_in_the_list():
	field = frappe.get_meta("Customer").get_field("completeness")
	assert field.fieldtype == "Percent" and field.in_list_view
	indexes = frappe.db.sql("show index from `tabCustomer` where Column_name = 'completeness'")
	assert indexes
