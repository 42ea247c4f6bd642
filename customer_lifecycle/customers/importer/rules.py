"""What reading and checking a customer file need to know about the site, gathered once per
import (site_rules): the Customer fields a file may fill, their labels and lengths, the customer
types, categories, countries and lifecycle states there are, and the site's country.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import frappe

from customer_lifecycle.customers import duplicates
from customer_lifecycle.customers.doctype.customer.customer import site_country_code
from customer_lifecycle.utils.customer_fields import ADDRESS_LINES, DETAILS
from customer_lifecycle.lifecycle import engine
from customer_lifecycle.utils.doctypes import CUSTOMER

# the Customer fields a file may fill, in the order the sample files use
FIELDS = (*DETAILS, *ADDRESS_LINES, "country")


@dataclass
class Rules:
	"""What checking a row needs to know about the site, gathered once per import."""

	columns: dict[str, str]  # header as written, lower-cased -> fieldname
	labels: dict[str, str]  # fieldname -> label, for the error file
	customer_types: tuple[str, ...]
	default_type: str
	categories: dict[str, str]  # lower-cased -> Customer Category name
	countries: dict[str, str]  # lower-cased name or ISO code -> Country name
	lengths: dict[str, int]  # fieldname -> the column's length
	region: str | None = None  # ISO code for phone numbers written without a country code
	default_country: str | None = None  # for billing addresses given without a country
	name_key: Callable[[str], str] = field(default=lambda name: name.lower())
	company_type: str | None = None  # the customer type a company flag gives
	states: dict[str, str] = field(default_factory=dict)  # lifecycle states (state_names)


def site_rules() -> Rules:
	"""The Rules for this site: Customer's labels (as written and translated) and fieldnames as
	column headers, its types, the categories and countries there are, the site's country."""
	meta = frappe.get_meta(CUSTOMER)
	columns, labels, lengths = {}, {}, {}
	for fieldname in FIELDS:
		df = meta.get_field(fieldname)
		labels[fieldname] = frappe._(df.label)
		for title in (fieldname, df.label, labels[fieldname]):
			columns[title.lower()] = fieldname
		if df.fieldtype == "Data":
			lengths[fieldname] = df.length or 140
	countries = {}
	for row in frappe.get_all("Country", fields=["name", "code"]):
		countries[row.name.lower()] = row.name
		if row.code:
			countries.setdefault(row.code.lower(), row.name)
	type_field = meta.get_field("customer_type")
	customer_types = tuple(t for t in type_field.options.split("\n") if t)
	return Rules(
		columns=columns,
		labels=labels,
		customer_types=customer_types,
		default_type=type_field.default,
		categories={name.lower(): name for name in frappe.get_all("Customer Category", pluck="name")},
		countries=countries,
		lengths=lengths,
		region=site_country_code(),
		default_country=frappe.get_system_settings("country"),
		name_key=cached_name_key(),
		company_type=next((t for t in customer_types if t.casefold() == "company"), None),
		states=state_names(),
	)


def state_names() -> dict[str, str]:
	"""The lifecycle workflow's states by name and by translated name, case-folded and spaced as
	mapping.stage_state compares a file's stage to them."""
	workflow = engine.get_workflow()
	states: dict[str, str] = {}
	for row in workflow.states if workflow else ():
		for title in (row.state, frappe._(row.state)):
			states.setdefault(" ".join(title.split()).casefold(), row.state)
	return states


def cached_name_key() -> Callable[[str], str]:
	"""duplicates.name_key, worked out once per name and each word's phonetic code once per word:
	the same first names and surnames come back on thousands of rows of a file. Gives the same keys
	(unit-tested)."""
	codes: dict[str, str] = {}
	keys: dict[str, str] = {}

	def name_key(customer_name: str | None) -> str:
		key = keys.get(customer_name)
		if key is None:
			found = set()
			for word in duplicates.name_tokens(customer_name):
				code = codes.get(word)
				if code is None:
					code = codes[word] = duplicates.phonetic(word)
				if code:
					found.add(code)
			key = keys[customer_name] = " ".join(sorted(found))[: duplicates.NAME_KEY_LENGTH].strip()
		return key

	return name_key
