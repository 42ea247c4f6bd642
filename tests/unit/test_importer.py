"""Customer files: reading, column matching, row checks, duplicates and the error file (no database)."""

import csv
import io
import random
from pathlib import Path

import pytest
from openpyxl import Workbook

from customer_lifecycle.customers import duplicates
from customer_lifecycle.customers.importer import checking
from customer_lifecycle.customers.importer.checking import (
	RowChecker,
	RowError,
	SeenKeys,
	error_csv,
	identity_keys,
	sort_out,
)
from customer_lifecycle.customers.importer.load_data import SEPARATOR, table_rows, tsv_column, tsv_value
from customer_lifecycle.customers.importer.mapping import plan_columns, suggest
from customer_lifecycle.customers.importer.reading import (
	ImportFileError,
	read_table,
	split_header,
)
from customer_lifecycle.customers.importer.rules import FIELDS, cached_name_key
from customer_lifecycle.customers.importer.writer import name_match_key
from customer_lifecycle.utils.normalize import normalize_phone
from tests.unit.importer_rules import LABELS

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def map_columns(header, rules):
	"""The column plan of a file whose columns are imported as suggested (by their titles)."""
	return plan_columns(header, suggest(header, [], rules), rules.labels)


def check(rules, **cells):
	header = list(cells)
	mapping, _unknown = map_columns(header, rules)
	return RowChecker(mapping, header, rules).check(list(cells.values()), 7)


def test_csv_and_xlsx_read_alike():
	rows = [["Customer Name", "Phone"], ["Ada", "020 7946 0958"], ["Bob", ""]]
	text = "\ufeffCustomer Name,Phone\r\nAda,020 7946 0958\r\nBob,\r\n"
	book = Workbook()
	for row in rows:
		book.active.append([v or None for v in row])
	buffer = io.BytesIO()
	book.save(buffer)
	assert read_table(text.encode("utf-8"), "csv") == rows
	assert read_table(buffer.getvalue(), "xlsx") == rows
	assert read_table("Nom,Ville\nRené,Zürich\n".encode("cp1252"), "CSV")[1] == ["René", "Zürich"]
	with pytest.raises(ImportFileError):
		read_table(b"x", "txt")
	with pytest.raises(ImportFileError):
		read_table(b"not a workbook", "xlsx")


def test_xlsx_numbers_read_as_typed():
	book = Workbook()
	book.active.append(["Customer Name", "ID Number"])
	book.active.append(["Ada", 4812.0])
	buffer = io.BytesIO()
	book.save(buffer)
	assert read_table(buffer.getvalue(), "xlsx")[1] == ["Ada", "4812"]


def test_rows_are_numbered_as_in_the_file_and_blank_rows_skipped():
	header, rows = split_header([["Customer Name"], ["Ada"], ["", ""], ["Bob"]])
	assert header == ["Customer Name"]
	assert rows == [(2, ["Ada"]), (4, ["Bob"])]
	with pytest.raises(ImportFileError):
		split_header([[""], []])


def test_columns_match_by_label_or_fieldname_in_any_case(rules):
	mapping, unknown = map_columns(["customer_name", " EMAIL ", "City/Town", "Shoe Size"], rules)
	assert mapping == {"customer_name": 0, "email": 1, "city": 2}
	assert unknown == ["Shoe Size"]
	with pytest.raises(ImportFileError, match="Customer Name"):
		map_columns(["Email"], rules)
	# a second column for a field is not suggested; sent there by the user, it is refused
	assert map_columns(["Customer Name", "customer_name"], rules) == ({"customer_name": 0}, ["customer_name"])
	with pytest.raises(ImportFileError, match="Two columns are for Customer Name: Customer Name and Name"):
		plan_columns(["Customer Name", "Name"], ["customer_name", "customer_name"], rules.labels)


def test_a_row_is_normalised_as_the_controller_stores_it(rules):
	values, errors = check(
		rules,
		customer_name="  ada   LOVELACE ",
		customer_type="company",
		customer_category="vip",
		email=" Ada.Lovelace@Example.COM ",
		phone="020 7946 0958",
		id_number=" AB 123 ",
		address_line1="1 High  Street",
		city="London",
		country="gb",
	)
	assert errors == []
	assert values["customer_name"] == "ada LOVELACE"
	assert values["customer_type"] == "Company"
	assert values["customer_category"] == "VIP"
	assert values["email"] == "ada.lovelace@example.com"
	assert values["phone"] == "+442079460958"
	assert values["id_number"] == "AB 123"
	assert values["address_line1"] == "1 High Street"
	assert values["country"] == "United Kingdom"
	assert values["name_key"] == "ada lovelace"
	assert set(FIELDS) <= set(values)


def test_defaults_fill_what_is_left_blank(rules):
	values, errors = check(rules, customer_name="Ada", address_line1="1 High Street", city="Leeds")
	assert errors == []
	assert values["customer_type"] == "Individual"
	assert values["country"] == "United Kingdom"
	assert values["email"] is None and values["phone"] is None and values["customer_category"] is None


@pytest.mark.parametrize(
	"cells, field, reason",
	[
		({"customer_name": "   "}, "customer_name", "Customer Name is required."),
		({"customer_name": "Ada", "Email": "ada@"}, "Email", "is not a valid email address."),
		({"customer_name": "Ada", "Phone": "07700 900123"}, "Phone", "is not a valid phone number"),
		(
			{"customer_name": "Ada", "Customer Type": "Partnership"},
			"Customer Type",
			"must be one of Individual, Company, Trust.",
		),
		(
			{"customer_name": "Ada", "Customer Category": "Platinum"},
			"Customer Category",
			"is not a Customer Category",
		),
		(
			{"customer_name": "Ada", "Address Line 1": "1 High St"},
			"City/Town",
			"City/Town is required for the billing address.",
		),
		({"customer_name": "Ada", "Country": "Narnia"}, "Country", "is not a country."),
		({"customer_name": "A" * 141}, "customer_name", "is longer than 140 characters."),
	],
)
def test_bad_values_are_reported_with_row_column_and_reason(rules, cells, field, reason):
	header = list(cells)
	mapping, _unknown = map_columns(header, rules)
	values, errors = RowChecker(mapping, header, rules).check(list(cells.values()), 12)
	assert values is None
	assert len(errors) == 1
	assert (errors[0].row, errors[0].field) == (12, field)
	assert errors[0].message().startswith(reason)


def test_every_problem_of_a_row_is_reported(rules):
	values, errors = check(rules, customer_name="", Email="two@@x.example", Phone="abc")
	assert values is None
	assert [e.field for e in errors] == ["customer_name", "Email", "Phone"]
	assert [e.value for e in errors] == ["", "two@@x.example", "abc"]


def test_identity_is_email_phone_and_id_number_else_the_exact_name():
	assert identity_keys(
		{"email": "a@x.example", "phone": None, "id_number": "Ab1", "customer_name": "Ada"}
	) == [
		("email", "a@x.example"),
		("id_number", "ab1"),
	]
	assert identity_keys(
		{"email": None, "phone": None, "id_number": None, "customer_name": "Ada Lovelace"}
	) == [("customer_name", "ada lovelace")]


def test_duplicates_within_the_file_and_against_the_table_are_sorted_out():
	def row(name, email=None, phone=None, id_number=None):
		return {"customer_name": name, "email": email, "phone": phone, "id_number": id_number}

	seen = SeenKeys()
	candidates = [
		(2, row("Ada", email="ada@x.example", phone="+442079460958")),
		(3, row("Ada again", phone="+442079460958")),
		(4, row("Bob", email="bob@x.example")),
		(5, row("Bob's twin", id_number="ID1", email="bob@x.example")),
		(6, row("Cy", id_number="id9")),
	]
	keep, duplicates = sort_out(candidates, {("email", "bob@x.example"): "CUST-2026-00001"}, seen)
	assert [r for r, _v, _o in keep] == [2, 6]
	assert [(d.row, d.field, d.value) for d in duplicates] == [
		(3, "phone", "+442079460958"),
		(4, "email", "bob@x.example"),
		(5, "email", "bob@x.example"),
	]
	keep[0][2].customer = "CUST-2026-00002"
	assert (
		duplicates[0].error(LABELS).message()
		== "Duplicate: row 2 of this file (customer CUST-2026-00002) has the same Phone."
	)
	assert (
		duplicates[1].error(LABELS).message() == "Duplicate: customer CUST-2026-00001 already has this Email."
	)
	# a later chunk: keys seen in the first one still count, and a row sharing only the ID
	# number of the row that matched the table is a duplicate of that customer
	keep, duplicates = sort_out(
		[(9, row("Cy", id_number="ID9")), (10, row("Dee", id_number="id1"))], {}, seen
	)
	assert keep == []
	assert [(d.row, d.origin.row, d.origin.customer) for d in duplicates] == [
		(9, 6, None),
		(10, None, "CUST-2026-00001"),
	]


def test_messy_fixture_rows_sort_out_as_the_readme_says(rules):
	header, rows = split_header(read_table((FIXTURES / "customers_messy.csv").read_bytes(), "csv"))
	mapping, unknown = map_columns(header, rules)
	assert unknown == []
	errors, candidates = [], []
	checker = RowChecker(mapping, header, rules)
	for number, cells in rows:
		values, problems = checker.check(cells, number)
		errors.extend(problems)
		if values:
			candidates.append((number, values))
	keep, duplicates = sort_out(candidates, {}, SeenKeys())
	assert len(rows) == 22
	assert [r for r, _v, _o in keep] == [2, 3, 9, 11, 14, 15, 18, 20, 24]
	assert sorted({e.row for e in errors}) == [4, 5, 8, 10, 12, 13, 21, 22, 23]
	assert len(errors) == 10
	assert [d.row for d in duplicates] == [6, 7, 16, 19]


def test_error_file_has_one_line_per_problem_by_row():
	content = error_csv(
		[
			RowError(9, "Email", "x@", "is not a valid email address."),
			RowError(
				3,
				"Phone",
				"12, 3",
				"is not a valid phone number (write it with its country code, or as a local number of {0}).",
				("United Kingdom",),
			),
		]
	)
	lines = list(csv.reader(io.StringIO(content)))
	assert lines[0] == ["Row", "Field", "Value", "Reason"]
	assert lines[1] == [
		"3",
		"Phone",
		"12, 3",
		"is not a valid phone number (write it with its country code, or as a local number of United Kingdom).",
	]
	assert lines[2] == ["9", "Email", "x@", "is not a valid email address."]


def test_phone_numbers_are_checked_once_per_text(rules, monkeypatch):
	"""Each text once: by the short cut for national forms, then (where it does not answer, as for
	a number that is not valid) by normalize_phone."""
	calls = []

	def counting(function):
		def count(value, *args):
			calls.append((function.__name__, value))
			return function(value, *args)

		return count

	monkeypatch.setattr(checking, "normalize_phone", counting(normalize_phone))
	monkeypatch.setattr(checking, "national_phone", counting(checking.national_phone))
	header = ["Customer Name", "Phone"]
	mapping, _unknown = map_columns(header, rules)
	checker = RowChecker(mapping, header, rules)
	for row in range(2, 6):
		values, errors = checker.check([f"Ada {row}", "020 7946 0958"], row)
		assert values["phone"] == "+442079460958" and not errors
		values, errors = checker.check([f"Bob {row}", "07700 900123"], row)
		assert values is None and [e.field for e in errors] == ["Phone"]
	assert calls == [
		("national_phone", "020 7946 0958"),
		("national_phone", "07700 900123"),
		("normalize_phone", "07700 900123"),
	]


def test_the_cached_name_key_is_the_duplicates_name_key():
	names = [
		"Jon Smyth",
		"John Smith",
		"Smith, John",
		"Mr John Smith",
		"Catherine O'Brien-Jones",
		"Kathryn O\u2019Brien Jones Ltd",
		"Zoë Ångström",
		"McDonald PLC Trust",
		"A B C",
		"42 Club",
		"X" * 200,
		"",
	]
	header, rows = split_header(read_table((FIXTURES / "customers_messy.csv").read_bytes(), "csv"))
	names += [cells[header.index("customer_name")] for _number, cells in rows]
	key = cached_name_key()
	for name in names * 2:
		assert key(name) == duplicates.name_key(name), name


def test_address_names_match_as_the_database_compares_them():
	assert name_match_key("McDonald Ltd-Billing") == name_match_key("MCDONALD LTD-billing")
	assert name_match_key("Zoë Smith-Billing") == name_match_key("Zoe Smith-Billing")
	assert name_match_key("Straße-Billing") == name_match_key("Strasse-Billing")
	assert name_match_key("Ada-Billing") != name_match_key("Bob-Billing")


def test_records_share_what_every_row_has_and_go_as_parameters_or_a_load_file():
	"""A column with one value in every row (a constant, a default, the same type) is shared: SET
	once in the LOAD DATA statement, a parameter per row in the INSERT. The name never is."""
	from datetime import datetime

	now = datetime(2026, 11, 23, 9, 30, 0, 125000)
	rows = [
		{"name": "a", "note": "it's", "n": 1, "flag": None, "doctype": "X"},
		{"name": "b", "note": "tab\there", "n": 1, "flag": 2, "doctype": "X"},
	]
	table = table_rows(
		"Thing", rows, {"owner": "o'brien@x", "creation": now}, {"flag": 0, "kind": "Plain"}, {"doctype"}
	)
	assert table.shared == {"owner": "o'brien@x", "creation": now, "kind": "Plain", "n": 1}
	assert (table.fields, table.columns, table.count) == (
		["name", "note", "flag"],
		[["a", "b"], ["it's", "tab\there"], [0, 2]],
		2,
	)
	query, values = table.insert_query()
	assert query == (
		"INSERT INTO `tabThing` (`owner`, `creation`, `kind`, `n`, `name`, `note`, `flag`) VALUES "
		"(%s, %s, %s, %s, %s, %s, %s), (%s, %s, %s, %s, %s, %s, %s)"
	)
	assert values == [
		"o'brien@x",
		now,
		"Plain",
		1,
		"a",
		"it's",
		0,
		"o'brien@x",
		now,
		"Plain",
		1,
		"b",
		"tab\there",
		2,
	]
	assert table.load_text() == b"a\tit's\t0\nb\ttab\\there\t2\n"
	assert table.load_statement("/tmp/x'y.tsv") == (
		"LOAD DATA LOCAL INFILE '/tmp/x\\'y.tsv' INTO TABLE `tabThing` CHARACTER SET utf8mb4 (`name`, `note`, `flag`) "
		"SET `owner` = 'o\\'brien@x', `creation` = '2026-11-23 09:30:00.125000', `kind` = 'Plain', `n` = 1"
	)
	# one row: only its name is not shared
	one = table_rows("Thing", rows[:1], {})
	assert (one.fields, one.shared) == (["name"], {"note": "it's", "n": 1, "flag": None, "doctype": "X"})
	assert one.load_text() == b"a\n"


def load_data_cells(line: str) -> list[str | None]:
	"""A line as LOAD DATA reads it with its default FIELDS and LINES options (the server's rules:
	a backslash escapes the next character, \\N alone is NULL)."""
	meaning = {"t": "\t", "n": "\n", "r": "\r", "0": "\0", "\\": "\\", "b": "\b", "Z": "\x1a"}
	cells, cell, escaped, null = [], [], False, False
	for character in line + "\t":
		if escaped:
			if character == "N" and not cell:
				null = True
			else:
				cell.append(meaning.get(character, character))
			escaped = False
		elif character == "\\":
			escaped = True
		elif character == "\t":
			cells.append(None if null and not cell else "".join(cell))
			cell, null = [], False
		else:
			assert character != "\n", line
			cell.append(character)
	return cells


def test_any_text_comes_back_from_a_load_file_as_it_was():
	"""tsv_column writes a column of text in one piece: whatever the text (tabs, line breaks,
	backslashes, NUL, the separator it joins them with, "\\N", unicode), each value is written as
	tsv_value writes it, and read back as LOAD DATA reads it, it is the value again."""
	awkward = [
		"O'Brien",
		"tab\tin",
		"line\nbreak\r",
		"back\\slash",
		"\\N",
		"N",
		"nul\x00",
		"Zoë 名前",
		"100%",
		"",
	]
	rng = random.Random(2026)
	columns = [
		awkward,
		[*awkward, None],
		[None, None],
		["plain", "text"],
		["joined" + SEPARATOR + "by the separator", "x"],
		["x", 1, 2.5, None, True],
		["".join(rng.choice("ab\t\n\r\\\x00\x1fNé'") for _ in range(rng.randint(0, 8))) for _ in range(500)],
	]
	for column in columns:
		cells = tsv_column(column)
		assert cells == [tsv_value(value) for value in column], column
		read = load_data_cells("\t".join(cells))
		assert read == [None if v is None else str(int(v)) if v is True else str(v) for v in column], column


def test_chunks_are_smaller_at_either_end_of_a_large_file():
	"""Every row in exactly one chunk, in order; a large file's first and last chunks are small (the
	database starts writing soon, and the last writes are short), the rest of the full size; a file
	too small for that is cut into full chunks."""
	from customer_lifecycle.customers.doctype.customer_import.customer_import import chunk_bounds

	for total in (0, 1, 8, 2500, 2600, 9999, 12_000, 100_000):
		bounds = chunk_bounds(total, 2500)
		assert [start for start, _end in bounds] == [0, *(end for _start, end in bounds)][: len(bounds)]
		assert sum(end - start for start, end in bounds) == total
		assert all(0 < end - start <= 2500 for start, end in bounds)
	sizes = [end - start for start, end in chunk_bounds(100_000, 2500)]
	assert sizes[:4] == [312, 625, 1250, 2500] and sizes[-3:] == [1250, 625, 312]
	assert sizes.count(2500) == 38
	assert [end - start for start, end in chunk_bounds(20, 8)] == [8, 8, 4]
	assert [end - start for start, end in chunk_bounds(2600, 2500)] == [2500, 100]
