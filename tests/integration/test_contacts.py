"""A customer's contacts and addresses: Frappe core Contact and Address through Dynamic Link."""

import frappe
import pytest

from customer_lifecycle.customers.contacts import linked_names
from tests.helpers import as_user, customer_save_lock, run_in_threads


def contacts_of(customer: str) -> list[str]:
	return linked_names("Contact", customer)


def addresses_of(customer: str) -> list[str]:
	return linked_names("Address", customer)


def new_contact(customer: str, first_name: str, **fields):
	return frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": first_name,
			"links": [{"link_doctype": "Customer", "link_name": customer}],
			**fields,
		}
	).insert()


def new_address(customer: str, line: str, **fields):
	return frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": line,
			"address_type": fields.pop("address_type", "Billing"),
			"address_line1": line,
			"city": "Leeds",
			"country": "United Kingdom",
			"links": [{"link_doctype": "Customer", "link_name": customer}],
			**fields,
		}
	).insert()


def test_email_and_phone_make_one_primary_contact(make_customer):
	customer = make_customer(customer_name="Ada Lovelace", email="Ada@Example.com", phone="020 7946 0958")
	assert contacts_of(customer.name) == [customer.primary_contact]
	contact = frappe.get_doc("Contact", customer.primary_contact)
	assert (contact.first_name, contact.last_name) == ("Ada", "Lovelace")
	assert (contact.email_id, contact.phone, contact.is_primary_contact) == (
		"ada@example.com",
		"+442079460958",
		1,
	)
	assert not contact.image  # no Gravatar lookup, and no marker left behind
	assert frappe.db.get_value("Customer", customer.name, "primary_contact") == contact.name


def test_saving_again_never_makes_a_second_contact(make_customer):
	customer = make_customer()
	for note in ("first", "second"):
		customer.reload()
		customer.notes = note
		customer.save()
	assert len(contacts_of(customer.name)) == 1


def test_no_contact_without_email_or_phone_and_one_when_an_email_is_added(make_customer):
	customer = make_customer(email=None, phone=None)
	assert contacts_of(customer.name) == [] and not customer.primary_contact
	customer.reload()
	customer.email = "later@example.com"
	customer.save()
	assert contacts_of(customer.name) == [customer.primary_contact]


def test_a_contact_already_linked_is_adopted_instead_of_making_another(make_customer):
	customer = make_customer(email=None, phone=None)
	existing = new_contact(customer.name, "Existing")
	assert frappe.db.get_value("Customer", customer.name, "primary_contact") == existing.name
	customer.reload()
	customer.email = "adopt@example.com"
	customer.save()
	assert contacts_of(customer.name) == [existing.name]


def test_company_contact_carries_the_company_name(make_customer):
	customer = make_customer(customer_name="Acme Widgets Ltd", customer_type="Company")
	contact = frappe.get_doc("Contact", customer.primary_contact)
	assert contact.company_name == "Acme Widgets Ltd"


def test_one_primary_contact_flag_moves_from_either_side(make_customer):
	customer = make_customer()
	first = customer.primary_contact
	second = new_contact(customer.name, "Second", is_primary_contact=1)
	assert frappe.db.get_value("Customer", customer.name, "primary_contact") == second.name
	assert frappe.db.get_value("Contact", first, "is_primary_contact") == 0

	customer.reload()
	customer.primary_contact = first
	customer.save()
	assert frappe.db.get_value("Contact", first, "is_primary_contact") == 1
	assert frappe.db.get_value("Contact", second.name, "is_primary_contact") == 0


def test_primary_contact_must_be_linked_to_the_customer(make_customer):
	customer = make_customer()
	other = make_customer()
	customer.reload()
	customer.primary_contact = other.primary_contact
	with pytest.raises(frappe.LinkValidationError) as error:
		customer.save()
	assert "Primary Contact" in str(error.value)


def test_deleting_the_primary_contact_hands_over_to_the_next(make_customer):
	customer = make_customer()
	spare = new_contact(customer.name, "Spare")
	frappe.delete_doc("Contact", customer.primary_contact)
	assert frappe.db.get_value("Customer", customer.name, "primary_contact") == spare.name
	frappe.delete_doc("Contact", spare.name)
	assert frappe.db.get_value("Customer", customer.name, "primary_contact") is None


def test_address_lines_make_the_billing_address_and_then_mirror_it(make_customer):
	customer = make_customer(address_line1="1 High Street", city="York", pincode="YO1 7HH")
	address = frappe.get_doc("Address", customer.billing_address)
	assert (address.address_type, address.is_primary_address, address.country) == (
		"Billing",
		1,
		"United Kingdom",
	)
	assert addresses_of(customer.name) == [address.name]

	address.address_line1 = "2 Low Street"
	address.save()
	assert frappe.db.get_value("Customer", customer.name, "address_line1") == "2 Low Street"


def test_incomplete_address_lines_are_refused_naming_the_field(make_customer):
	with pytest.raises(frappe.MandatoryError) as error:
		make_customer(address_line1="1 High Street", city=" ")
	assert "City/Town" in str(error.value)


def test_first_address_added_becomes_billing_and_a_preferred_one_replaces_it(make_customer):
	customer = make_customer()
	first = new_address(customer.name, "10 First Road", address_type="Office")
	assert frappe.db.get_value("Customer", customer.name, "billing_address") == first.name
	site = new_address(customer.name, "20 Site Lane", address_type="Other", is_site_address=1)
	assert frappe.db.get_value("Customer", customer.name, "billing_address") == first.name
	assert frappe.db.get_value("Address", site.name, "is_site_address") == 1
	preferred = new_address(customer.name, "30 Bill Street", is_primary_address=1)
	assert frappe.db.get_value("Customer", customer.name, ["billing_address", "address_line1"]) == (
		preferred.name,
		"30 Bill Street",
	)
	assert frappe.db.get_value("Address", first.name, "is_primary_address") == 0


def test_address_access_contact_fields(make_customer):
	customer = make_customer()
	address = new_address(
		customer.name,
		"5 Tenanted Row",
		access_contact_name="Tom Tenant",
		access_contact_phone="+447700900123",
		access_contact_relationship="Tenant",
		access_notes="Key with the neighbour",
	)
	customer = frappe.get_doc("Customer", customer.name)
	customer.run_method("onload")
	shown = {a["name"]: a for a in customer.get_onload().addr_list}
	assert shown[address.name]["access_contact_name"] == "Tom Tenant"
	assert shown[address.name]["access_contact_relationship"] == "Tenant"
	meta = frappe.get_meta("Address")
	assert meta.get_field("access_contact_relationship").options.split("\n") == [
		"",
		"Tenant",
		"Letting Agent",
		"Other",
	]


def test_deleting_a_customer_removes_its_own_contacts_and_keeps_shared_ones(make_customer):
	customer = make_customer(address_line1="9 Gone Road", city="Hull")
	other = make_customer()
	shared = new_contact(customer.name, "Shared")
	shared.append("links", {"link_doctype": "Customer", "link_name": other.name})
	shared.save()
	own_contact, own_address = customer.primary_contact, customer.billing_address
	frappe.delete_doc("Customer", customer.name)
	assert not frappe.db.exists("Contact", own_contact)
	assert not frappe.db.exists("Address", own_address)
	assert frappe.db.exists("Contact", shared.name)
	assert contacts_of(other.name) == [other.primary_contact, shared.name]


def test_customer_user_may_add_contacts_and_addresses(make_customer, personas):
	customer = make_customer()
	with as_user(personas["user"]):
		contact = new_contact(customer.name, "Added By User")
		address = new_address(customer.name, "7 User Road")
	assert contact.name in contacts_of(customer.name)
	assert address.name in addresses_of(customer.name)


def test_concurrent_saves_make_exactly_one_contact(site, make_customer):
	"""Two sessions add an email to the same customer at the same moment, both from the customer as
	it was: the second save waits for the first and is refused as out of date; one Contact, never two."""
	customer = make_customer(email=None, phone=None)
	frappe.db.commit()

	def add_email(i):
		doc = frappe.get_doc("Customer", customer.name)
		doc.email = f"racer{i}@example.com"
		doc.save()

	try:
		race = run_in_threads(site, add_email, meet_in=customer_save_lock())
		assert race.overlapped() and race.took_turns(), race
		assert sorted(race.outcomes) == ["TimestampMismatchError", "ok"], race
		frappe.db.rollback()  # see what the threads committed
		assert len(contacts_of(customer.name)) == 1
		assert (
			frappe.db.get_value("Customer", customer.name, "primary_contact") == contacts_of(customer.name)[0]
		)
	finally:
		frappe.db.rollback()
		frappe.delete_doc("Customer", customer.name, force=True)
		frappe.db.commit()
