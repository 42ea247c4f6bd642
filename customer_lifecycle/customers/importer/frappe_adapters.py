"""What Frappe does to a new record, for records written without a Document (CustomerWriter): one
small function for each piece of Frappe's own code the importer repeats. Each has a test that
fails when Frappe's result differs from it (tests/integration/test_frappe_adapters.py), so that a
Frappe release that changes one shows there, not in records that look wrong.
"""

import secrets

import frappe
from frappe.model import child_table_fields, default_fields
from frappe.model.naming import make_autoname

BASE32HEX = "0123456789abcdefghijklmnopqrstuv"
BASE32HEX_PAIRS = [a + b for a in BASE32HEX for b in BASE32HEX]


def address_names(docs: list[dict]) -> list[str]:
	"""The name Address.autoname gives each new address (a frappe.get_doc-style dict) while the
	name is free: "<title>-<type>", the type translated (once per type). Frappe numbers a name
	that is taken; the importer names those otherwise (CustomerWriter.name_addresses)."""
	types: dict[str, str] = {}
	names = []
	for doc in docs:
		kind = doc["address_type"]
		if kind not in types:
			types[kind] = frappe._(kind).strip()
		names.append(f"{(doc.get('address_title') or '').strip()}-{types[kind]}")
	return names


def child_names(count: int) -> list[str]:
	"""Names for new child rows (and records named by "hash", as Customer Note is) in the form
	Frappe gives them (make_autoname("hash")): four characters of the time, then six more
	(base32hex, lower case). Frappe draws the six at random;
	here they count on from a random start, so that no two rows of a batch get the same name (six
	random characters would, now and then, among tens of thousands made at once) and the rows of a
	batch are written side by side in the table's primary key."""
	prefix = make_autoname("hash")[:4]
	start = secrets.randbits(30)
	return [prefix + base32hex((start + offset) % 2**30) for offset in range(count)]


def base32hex(number: int) -> str:
	"""A 30-bit number as six base32hex digits, lower case (two digits at a time)."""
	return (
		BASE32HEX_PAIRS[(number >> 20) & 1023]
		+ BASE32HEX_PAIRS[(number >> 10) & 1023]
		+ BASE32HEX_PAIRS[number & 1023]
	)


def new_doc_defaults(doctype: str) -> dict:
	"""The values Document.insert gives a new record's empty fields (Document._set_defaults)."""
	meta = frappe.get_meta(doctype)
	columns = set(meta.get_valid_columns()) - {*default_fields, *child_table_fields}
	return {k: v for k, v in frappe.new_doc(doctype, as_dict=True).items() if k in columns and v is not None}
