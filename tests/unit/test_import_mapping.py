"""The import's mapping step (no database): what each column of a file is suggested as, from its
title and its first values; the header set a saved mapping is found by; the column plan a mapping
makes; and the rows the checker makes through it (names joined, company flags, mobile numbers,
stages)."""

import json
from pathlib import Path

import pytest

from customer_lifecycle.customers.contacts import contact_dict
from customer_lifecycle.customers.importer.checking import RowChecker
from customer_lifecycle.customers.importer.mapping import (
	MAPPED,
	OPTIONS,
	TARGETS,
	company_flag,
	first_values,
	header_key,
	mapped_targets,
	plan_columns,
	stage_state,
	suggest,
)
from customer_lifecycle.customers.importer.reading import ImportFileError, read_table, split_header
from customer_lifecycle.customers.importer.rules import FIELDS

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
DOCTYPES = ROOT / "customer_lifecycle" / "customers" / "doctype"


def fixture(name: str) -> tuple[list[str], list[list[str]]]:
	header, rows = split_header(read_table((FIXTURES / name).read_bytes(), "csv"))
	return header, [cells for _number, cells in rows]


def suggested(header, rows, rules) -> dict[str, str]:
	"""column title -> suggested target, for the columns given one."""
	return {
		title: target for title, target in zip(header, suggest(header, rows, rules), strict=True) if target
	}


def test_a_hubspot_export_is_suggested_from_its_titles_and_values(rules):
	header, rows = fixture("hubspot_contacts_export.csv")
	assert suggested(header, rows, rules) == {
		"First Name": "first_name",
		"Last Name": "last_name",
		"Email": "email",
		"Phone Number": "phone",
		"Mobile Phone Number": "mobile",
		"Company Name": "company",
		"Lifecycle Stage": "stage",
		"Street Address": "address_line1",
		"City": "city",
		"State/Region": "county",
		"Postal Code": "pincode",
		"Country/Region": "country",
	}
	# left out: the record id (digits, not a phone), dates, job title, lead status, empty columns


def test_an_odoo_export_is_suggested_from_its_titles_and_values(rules):
	header, rows = fixture("odoo_contacts_export.csv")
	assert suggested(header, rows, rules) == {
		"Name": "customer_name",
		"Is a Company": "company",
		"Email": "email",
		"Phone": "phone",
		"Mobile": "mobile",
		"Street": "address_line1",
		"Street2": "address_line2",
		"City": "city",
		"State": "county",
		"Zip": "pincode",
		"Country": "country",
		"Tax ID": "id_number",
	}


@pytest.mark.parametrize(
	"title, values, target",
	[
		("Primary", ["ada@example.com", "BOB@Example.org", ""], "email"),
		("Number", ["+44 20 7946 0958", "020 7946 0959", "(0161) 496 0125"], "phone"),
		("Kind", ["Company", "individual", "Trust"], "customer_type"),
		("Type", ["Company", "Person", "person"], "company"),
		("Company flag", ["yes", "no", "1", ""], "company"),
		("Newsletter", ["yes", "no", "yes"], None),
		("Status", ["Active", "prospect", "DORMANT"], "stage"),
		("Where", ["United Kingdom", "za"], "country"),
		("Created", ["2024-01-05 10:00", "2024-02-06 11:30"], None),
		("Joined", ["05-01-2024", "06/02/2024"], None),
		("Record ID", ["51001", "51002", "10234567"], None),
		("Anything", ["", ""], None),
	],
)
def test_columns_are_known_by_their_values_when_their_title_says_nothing(rules, title, values, target):
	header = ["Name", title]
	rows = [["Ada", value] for value in values]
	assert suggest(header, rows, rules) == ["customer_name", target]


def test_each_target_is_suggested_for_one_column_the_best_titled_first(rules):
	header = ["Street", "Address", "Name", "Full Name", "Customer Name", "E-mail", "Work Email"]
	rows = [["1 High St", "2 Low St", "Ada", "Ada L", "Ada Lovelace", "a@example.com", "b@example.com"]]
	# the Customer field's own label first, then TITLES in their order; the rest are left out
	assert suggest(header, rows, rules) == [
		"address_line1",
		None,
		None,
		None,
		"customer_name",
		"email",
		None,
	]


def test_files_with_the_same_columns_share_a_header_key():
	key = header_key(["First Name", "Email", "Phone Number"])
	assert header_key(["phone number", " EMAIL ", "First-Name", ""]) == key
	assert header_key(["First Name", "Email"]) != key
	assert header_key(["First Name", "Email", "Phone Number", "City"]) != key


def test_a_saved_mapping_applies_to_a_file_by_column_title():
	saved = {"First Name": "first_name", "E-mail": "email", "Notes": None}
	assert mapped_targets(["e-mail", "Notes", "first name", "Other"], saved) == [
		"email",
		None,
		"first_name",
		None,
	]


def test_the_column_plan_sends_each_target_to_one_column(rules):
	header = ["First", "Last", "Email", "Shoe Size"]
	assert plan_columns(header, ["first_name", "last_name", "email", None], rules.labels) == (
		{"first_name": 0, "last_name": 1, "email": 2},
		["Shoe Size"],
	)
	with pytest.raises(ImportFileError, match="Two columns are for Email: Email and Shoe Size"):
		plan_columns(header, ["first_name", None, "email", "email"], rules.labels)
	with pytest.raises(ImportFileError, match="no Customer Name column"):
		plan_columns(header, [None, None, "email", None], rules.labels)
	# a company column alone names the customers (a file of companies)
	assert plan_columns(["Company", "Email"], ["company", "email"], rules.labels)[0] == {
		"company": 0,
		"email": 1,
	}


def checker(rules, **columns) -> RowChecker:
	"""A checker for a file whose columns (title=target) are imported as given."""
	header = list(columns)
	plan, _left_out = plan_columns(header, list(columns.values()), rules.labels)
	return RowChecker(plan, header, rules)


def test_first_and_last_names_are_joined_and_kept_apart_for_the_contact(rules):
	check = checker(rules, First="first_name", Last="last_name", Email="email")
	values, errors = check.check(["  Mary Ann ", "van der Berg", "mary@example.com"], 2)
	assert errors == []
	assert values["customer_name"] == "Mary Ann van der Berg"
	assert (values["first_name"], values["last_name"]) == ("Mary Ann", "van der Berg")
	contact = contact_dict({**values, "name": "CUST-1"})
	assert (contact["first_name"], contact["last_name"], contact["full_name"]) == (
		"Mary Ann",
		"van der Berg",
		"Mary Ann van der Berg",
	)
	# one of them alone is the name
	values, _errors = check.check(["", "Cher", ""], 3)
	assert values["customer_name"] == "Cher"
	assert contact_dict({**values, "name": "CUST-2"})["first_name"] == "Cher"
	# neither: the row is refused, naming the Customer Name
	values, errors = check.check(["", " ", "x@example.com"], 4)
	assert values is None
	assert [(e.field, e.message()) for e in errors] == [("Customer Name", "Customer Name is required.")]


def test_a_full_name_column_still_works_and_comes_first(rules):
	check = checker(rules, Name="customer_name", First="first_name", Last="last_name")
	values, _errors = check.check(["Ada Lovelace", "Augusta", "King"], 2)
	assert values["customer_name"] == "Ada Lovelace"
	assert "first_name" not in values
	values, _errors = check.check(["", "Augusta", "King"], 3)
	assert values["customer_name"] == "Augusta King"


@pytest.mark.parametrize(
	"flag, customer_type",
	[
		("yes", "Company"),
		("TRUE", "Company"),
		("1", "Company"),
		("x", "Company"),
		("Company", "Company"),
		("Acme Ltd", "Company"),
		("no", "Individual"),
		("False", "Individual"),
		("0", "Individual"),
		("Individual", "Individual"),
		("person", "Individual"),
		("", "Individual"),
	],
)
def test_a_company_flag_gives_the_customer_type(rules, flag, customer_type):
	assert company_flag(flag) == (customer_type == "Company")
	values, errors = checker(rules, Name="customer_name", Company="company").check(["Ada", flag], 2)
	assert errors == []
	assert values["customer_type"] == customer_type


def test_a_company_name_names_the_customer_or_its_contact_company(rules):
	check = checker(rules, First="first_name", Last="last_name", Company="company", Type="customer_type")
	values, _errors = check.check(["Amara", "Osei", "Lumen Health Ltd", ""], 2)
	assert (values["customer_name"], values["customer_type"], values["company_name"]) == (
		"Amara Osei",
		"Company",
		"Lumen Health Ltd",
	)
	contact = contact_dict({**values, "name": "CUST-1"})
	assert (contact["first_name"], contact["last_name"], contact["company_name"]) == (
		"Amara",
		"Osei",
		"Lumen Health Ltd",
	)
	# no person's name: the row is the company
	values, _errors = check.check(["", "", "Northwind Traders, Inc.", ""], 3)
	assert (values["customer_name"], values["customer_type"]) == ("Northwind Traders, Inc.", "Company")
	assert "company_name" not in values
	# a type the file gives comes first
	values, _errors = check.check(["Ann", "Trust", "Ann Trust Fund", "Trust"], 4)
	assert values["customer_type"] == "Trust"


def test_a_mobile_number_is_the_phone_where_the_phone_is_empty(rules):
	check = checker(rules, Name="customer_name", Tel="phone", Cell="mobile")
	values, _errors = check.check(["Ada", "020 7946 0958", "07911 123456"], 2)
	assert values["phone"] == "+442079460958"
	values, _errors = check.check(["Ada", "", "07911 123456"], 3)
	assert values["phone"] == "+447911123456"
	values, errors = check.check(["Ada", "", "12345"], 4)
	assert values is None
	assert [(e.row, e.field, e.value) for e in errors] == [(4, "Cell", "12345")]
	# a mobile column alone is the phone
	values, errors = checker(rules, Name="customer_name", Cell="mobile").check(["Bo", "0161 496 0125"], 5)
	assert values["phone"] == "+441614960125"


def test_the_stage_is_kept_for_the_note_and_matched_to_states(rules):
	values, _errors = checker(rules, Name="customer_name", Stage="stage").check(
		["Ada", "  Marketing  Qualified Lead "], 2
	)
	assert values["stage"] == "Marketing Qualified Lead"
	assert stage_state("Marketing Qualified Lead", rules.states) is None
	assert stage_state(" active ", rules.states) == "Active"
	assert stage_state("", rules.states) is None


def test_a_plain_file_does_no_mapping_work_per_row(rules, monkeypatch):
	"""The plan is made once: a file with only Customer fields never calls what a mapping adds."""

	def refuse(*args):
		raise AssertionError("derive called for a file with no mapped columns")

	monkeypatch.setattr(RowChecker, "derive", refuse)
	values, errors = checker(rules, Name="customer_name", Email="email").check(["Ada", "a@example.com"], 2)
	assert errors == [] and values["email"] == "a@example.com"
	assert not set(MAPPED) & set(values)


def test_the_form_shows_each_column_s_first_values():
	rows = [["a", ""], ["", ""], ["b", ""], ["c", ""], ["d", ""]]
	assert first_values(rows, 0) == "a, b, c"
	assert first_values(rows, 1) == ""
	assert first_values([["x" * 200]], 0) == "x" * 139 + "…"


def test_the_targets_are_the_customer_fields_and_the_mapping_s_own_and_the_forms_options():
	assert set(OPTIONS) == set(FIELDS) | set(MAPPED)
	options = "\n" + "\n".join(option for _key, option in TARGETS)
	column = json.loads((DOCTYPES / "customer_import_column" / "customer_import_column.json").read_text())
	assert next(f for f in column["fields"] if f["fieldname"] == "field")["options"] == options
