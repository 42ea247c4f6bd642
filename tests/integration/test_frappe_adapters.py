"""The importer's copies of what Frappe does to a new record (importer.frappe_adapters) against
Frappe's own: each test fails when a Frappe release names or fills a new record otherwise."""

import base64
import copy
from types import SimpleNamespace

import frappe
import pytest
from frappe.model.naming import make_autoname, set_new_name

from customer_lifecycle.customers import contacts
from customer_lifecycle.customers.importer.frappe_adapters import (
	address_names,
	base32hex,
	child_names,
	new_doc_defaults,
)

CUSTOMER = {
	"name": "CUST-ADAPTERS-1",
	"customer_name": "Adapter Compare",
	"address_line1": "1 High Street",
	"city": "Leeds",
}


@pytest.mark.parametrize("lang", ["en", "de"])
def test_addresses_are_named_as_frappe_names_them(monkeypatch, lang):
	"""A new address whose name is free: the name Frappe's set_new_name gives it (Address.autoname),
	in the user's language, for titles with spaces around them and for each type."""
	monkeypatch.setattr(frappe.local, "lang", lang)
	billing = contacts.address_dict({**CUSTOMER, "customer_name": "  Zoë  Ångström "})
	docs = [billing, {**billing, "address_type": "Shipping"}, contacts.address_dict(CUSTOMER)]
	named = []
	for doc in docs:
		address = frappe.get_doc(doc)
		set_new_name(address)
		named.append(address.name)
	assert address_names(docs) == named
	assert named[0] == ("Zoë  Ångström-Billing" if lang == "en" else "Zoë  Ångström-Abrechnung")


def assert_defaults_stored(given: dict, stored) -> None:
	"""Each field new_doc_defaults fills that `given` (a frappe.get_doc dict) leaves empty holds the
	same value in the record Frappe stored from it, in the child rows too."""
	for fieldname, value in new_doc_defaults(stored.doctype).items():
		if given.get(fieldname) is None:
			assert stored.get(fieldname) == value, (stored.doctype, fieldname)
	for df in stored.meta.get_table_fields():
		for row, stored_row in zip(given.get(df.fieldname) or (), stored.get(df.fieldname), strict=True):
			assert_defaults_stored(row, stored_row)


def test_new_records_get_the_defaults_frappe_gives_them():
	"""A Customer, and a Contact and an Address linked to it with email, phone and link rows, each
	given only what Frappe requires and the flags their controllers set themselves (the primary
	ones), inserted by Frappe: every field new_doc_defaults fills holds what Frappe's insert stored
	in it (Document._set_defaults), in the child rows too."""
	customer = {"doctype": "Customer", "customer_name": "Adapter Compare"}
	inserted = [(customer, frappe.get_doc(copy.deepcopy(customer)).insert())]
	links = [{"link_doctype": "Customer", "link_name": inserted[0][1].name}]
	contact = {
		"doctype": "Contact",
		"first_name": "Adapter",
		"is_primary_contact": 1,
		"email_ids": [{"email_id": "adapter.compare@import-adapters.example", "is_primary": 1}],
		"phone_nos": [{"phone": "+442079460958"}],
		"links": links,
	}
	address = {
		"doctype": "Address",
		"address_title": "Adapter Compare",
		"address_line1": "1 High Street",
		"city": "Leeds",
		"is_primary_address": 1,
		"links": links,
	}
	for given in (contact, address):
		inserted.append((given, frappe.get_doc(copy.deepcopy(given)).insert()))
	for given, doc in inserted:
		assert new_doc_defaults(doc.doctype)
		assert_defaults_stored(given, frappe.get_doc(doc.doctype, doc.name))


def test_child_rows_are_named_as_frappe_names_them_but_never_alike():
	"""Frappe's hash names (15.9x): one character of the request's trace id, three of the time in
	tenths of a second, six random. The importer's names start as Frappe's own do in the same
	request, then count on."""
	# as in a request or a job: Frappe's monitor holds the trace id
	frappe.local.monitor = SimpleNamespace(data=SimpleNamespace(uuid="3f2a9c0e-trace-7"))
	try:
		before = make_autoname("hash")
		names = child_names(50_000)
		after = make_autoname("hash")
	finally:
		del frappe.local.monitor
	assert before[0] == "7"
	assert len(set(names)) == len(names)
	assert all(
		len(name) == len(before) and set(name) <= set("0123456789abcdefghijklmnopqrstuv") for name in names
	)
	# the request part, as Frappe's own in this request
	assert {name[0] for name in names} == {before[0]} == {after[0]}
	# the time part: between Frappe's own names made just before and just after (a wrap of the
	# three characters' 54 minutes apart)
	elapsed = (int(after[1:4], 32) - int(before[1:4], 32)) % 32**3
	assert (int(names[0][1:4], 32) - int(before[1:4], 32)) % 32**3 <= elapsed
	for number in (0, 1, 31, 32, 2**30 - 1, 123_456_789):
		assert base32hex(number) == base64.b32hexencode(number.to_bytes(5, "big")).decode().lower()[-6:]
