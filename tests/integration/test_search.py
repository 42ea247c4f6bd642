"""Finding a customer from any Link field (Frappe's search_link, routed to the app's customer_query):
by name, email, phone, ID number, and the company of a contact linked to the customer."""

import frappe
import pytest
from frappe.desk.search import search_link

from customer_lifecycle.api.customer import set_archived
from customer_lifecycle.customers.search import customers_by_contact_company
from tests.helpers import as_user


def found(txt: str) -> list[str]:
	return [row["value"] for row in search_link("Customer", txt, page_length=50)]


@pytest.fixture
def customer(make_customer):
	return make_customer(
		customer_name="Ottoline Vasquez-Brennan",
		email="ottoline.vb@brennan.example",
		phone="+44 20 7946 0372",
		id_number="OVB-400913",
	)


def add_contact(customer: str, company: str, first_name: str = "Ines") -> str:
	"""A second contact of the customer, working for another company (linked through Dynamic Link)."""
	return (
		frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": first_name,
				"company_name": company,
				"links": [{"link_doctype": "Customer", "link_name": customer}],
			}
		)
		.insert()
		.name
	)


@pytest.mark.parametrize(
	"txt",
	[
		"Vasquez-Brennan",  # part of the name
		"ottoline vasquez",  # any case
		"ottoline.vb@brennan",  # start of the email
		"OTTOLINE.VB@BRENNAN.EXAMPLE",  # the email as typed in capitals
		"020 7946 0372",  # the phone as written locally
		"+44 20 7946 0372",  # and internationally
		"79460372",  # its digits
		"OVB-400913",  # the ID number
		"OVB-4009",  # its start
	],
)
def test_each_field_finds_the_customer(customer, txt):
	assert customer.name in found(txt)


def test_the_company_of_a_linked_contact_finds_the_customer(customer, make_customer):
	other = make_customer(customer_name="Somebody Else")
	add_contact(customer.name, "Quillfeather Logistics Ltd")
	assert customers_by_contact_company("Quillfeather") == [customer.name]
	assert found("Quillfeather Logistics") == [customer.name]
	assert found("quillfeather") == [customer.name]
	# a prefix of the company name (index-friendly), not any word inside it
	assert customer.name not in found("Logistics Ltd")
	assert other.name not in found("Quillfeather")


def test_company_search_finds_each_customer_a_shared_contact_is_linked_to(customer, make_customer):
	other = make_customer(customer_name="Partner Firm Owner")
	frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Shared",
			"company_name": "Marchbanks & Daughters",
			"links": [
				{"link_doctype": "Customer", "link_name": customer.name},
				{"link_doctype": "Customer", "link_name": other.name},
			],
		}
	).insert()
	assert sorted(found("Marchbanks &")) == sorted([customer.name, other.name])


def test_wildcards_in_the_search_text_are_taken_literally(customer):
	add_contact(customer.name, "Percival_Holdings")
	assert customers_by_contact_company("Percival_") == [customer.name]
	assert customers_by_contact_company("Perciva%") == []
	assert customers_by_contact_company("   ") == []


def test_a_contact_linked_elsewhere_finds_no_customer(customer):
	frappe.get_doc(
		{"doctype": "Contact", "first_name": "Loose", "company_name": "Umbrage Unlinked Ltd"}
	).insert()
	assert customers_by_contact_company("Umbrage Unlinked") == []
	assert found("Umbrage Unlinked") == []


def test_archived_customers_are_not_found_by_company_either(customer):
	add_contact(customer.name, "Halloran Dredging")
	set_archived(customer.name, True)
	assert found("Halloran") == []


def test_search_runs_with_the_users_permissions(customer, personas):
	add_contact(customer.name, "Ashgrove Cartage")
	with as_user(personas["user"]):
		assert found("Ashgrove") == [customer.name]
		assert customer.name in found("OVB-400913")
	with as_user(personas["outsider"]):
		# get_list refuses; Frappe's search_link answers a refused query with no results
		assert found("Ashgrove") == []
