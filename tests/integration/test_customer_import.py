"""Importing customers: the fast path (Customer Import) and Frappe's Data Import, on the fixture files.

Both paths commit as they go (a chunk, a row), so these tests remove what they made themselves; and
before each, what a crashed run left of the fixture files' customers. The files written here carry
values of their own run."""

import csv
import io
import uuid
from pathlib import Path

import frappe
import pytest
from openpyxl import Workbook

from customer_lifecycle.benchmarks.cleanup import remove_customers
from customer_lifecycle.customers.doctype.customer_import.customer_import import (
	run_import,
	save_mapping,
	start_import,
)
from customer_lifecycle.customers.importer.reading import read_table
from customer_lifecycle.customers.importer.writer import CustomerWriter
from customer_lifecycle.lifecycle.engine import get_workflow, initial_state
from tests.helpers import as_user

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
MESSY = "customers_messy.csv"
SAMPLE = "customers_sample.csv"
HUBSPOT = "hubspot_contacts_export.csv"
ODOO = "odoo_contacts_export.csv"


def fixture_customers() -> list[str]:
	"""The customers named as a row of the fixture files (spaces collapsed, as the importer writes
	the names; the database compares them case aside)."""
	names = {
		" ".join(row[0].split())
		for filename in (MESSY, SAMPLE)
		for row in read_table((FIXTURES / filename).read_bytes(), "csv")[1:]
		if row and row[0].strip()
	}
	return frappe.get_all("Customer", filters={"customer_name": ("in", sorted(names))}, pluck="name")


@pytest.fixture
def cleanup(site):
	"""Remove, after the test, the customers (with contacts and addresses), imports and files it made.
	Before it, the fixture files' customers that a run which crashed left: the files' rows would be
	their duplicates (skipped by Customer Import, refused by Data Import: "Email ... already exists")."""
	frappe.db.commit()
	remove_customers(fixture_customers())
	frappe.db.commit()
	before = frappe.utils.now_datetime()
	yield
	frappe.db.rollback()
	frappe.set_user("Administrator")
	remove_customers(frappe.get_all("Customer", filters={"creation": (">=", before)}, pluck="name"))
	for doctype in ("Customer Import", "Data Import", "Customer Import Mapping"):
		for name in frappe.get_all(doctype, filters={"creation": (">=", before)}, pluck="name"):
			frappe.db.delete("Data Import Log", {"data_import": name})
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
	for name in frappe.get_all("File", filters={"creation": (">=", before), "is_folder": 0}, pluck="name"):
		frappe.delete_doc("File", name, force=True, ignore_permissions=True)
	frappe.db.commit()


def upload(filename: str, content: bytes | None = None) -> str:
	content = content if content is not None else (FIXTURES / filename).read_bytes()
	file = frappe.get_doc({"doctype": "File", "file_name": filename, "is_private": 1, "content": content})
	return file.insert().file_url


def new_import(filename: str, content: bytes | None = None):
	doc = frappe.get_doc({"doctype": "Customer Import", "import_file": upload(filename, content)}).insert()
	frappe.db.commit()
	return doc


def run(doc):
	run_import(doc.name)
	doc.reload()
	return doc


def error_lines(doc) -> list[list[str]]:
	file = frappe.get_doc("File", {"file_url": doc.error_file})
	assert file.is_private
	return list(csv.reader(io.StringIO(file.get_content())))


def messy_customers() -> list[dict]:
	return frappe.get_all(
		"Customer",
		filters={"customer_name": ("like", "%messy%")},
		fields=[
			"name",
			"customer_name",
			"email",
			"phone",
			"id_number",
			"customer_type",
			"customer_category",
			"country",
		],
		order_by="name asc",
	)


def test_messy_file_inserts_the_good_rows_and_reports_the_bad(cleanup):
	check_messy_import(run(new_import(MESSY)))


@pytest.mark.parametrize("writers", [2, 0])
def test_a_file_in_many_chunks_imports_as_in_one(cleanup, monkeypatch, writers):
	"""Chunks are checked, sorted out and written in a pipeline (the next one is prepared while the
	database writes this one, in parts on connections of their own, or, with none, on the site's):
	duplicates across chunks, names and counts come out the same."""
	from customer_lifecycle.customers.doctype.customer_import import customer_import

	monkeypatch.setattr(customer_import, "CHUNK", 4)
	monkeypatch.setattr(customer_import, "WRITERS", writers)
	check_messy_import(run(new_import(MESSY)))


def check_messy_import(doc):
	assert (doc.status, doc.total_rows, doc.inserted, doc.duplicates, doc.rejected) == (
		"Completed with Errors",
		22,
		9,
		4,
		9,
	)
	assert doc.progress == 100 and doc.started and doc.finished

	customers = messy_customers()
	assert len(customers) == 9
	by_name = {c.customer_name: c for c in customers}
	assert by_name["alice SMITH-MESSY"].email == "alice.smith@messy-import.example"
	assert by_name["alice SMITH-MESSY"].phone == "+442079460958"
	assert by_name["Bob Jones-Messy"].phone == "+447400123456"
	assert by_name["Grace Hall Messy Ltd"].customer_type == "Company"
	assert by_name["Grace Hall Messy Ltd"].customer_category == "Wholesale"
	assert by_name["Liam Park-Messy"].country == "United Kingdom"
	assert by_name["Sam Tate-Messy"].phone == "+442079460960"
	# bad rows are never inserted
	for email in (
		"nobody@messy-import.example",
		"frank.black@messy-import.example",
		"heidi.lane@messy-import.example",
	):
		assert not frappe.db.exists("Customer", {"email": email})

	lines = error_lines(doc)
	assert lines[0] == ["Row", "Field", "Value", "Reason"]
	rows = {}
	for row, field, value, reason in lines[1:]:
		rows.setdefault(int(row), []).append((field, value, reason))
	assert sorted(rows) == [4, 5, 6, 7, 8, 10, 12, 13, 16, 19, 21, 22, 23]
	assert rows[4] == [("customer_name", "", "Customer Name is required.")]
	assert rows[5] == [("Email", "carol.white@", "is not a valid email address.")]
	assert rows[8][0][:2] == ("Phone", "07700 900123")
	assert [f for f, _v, _r in rows[21]] == ["Email", "Phone"]
	assert rows[23] == [("Country", "Narnia", "is not a country.")]
	alice = by_name["alice SMITH-MESSY"].name
	assert rows[6] == [
		(
			"Email",
			"alice.smith@messy-import.example",
			f"Duplicate: row 2 of this file (customer {alice}) has the same Email.",
		)
	]
	assert rows[7][0][:2] == ("Phone", "+442079460958")
	mia = frappe.db.get_value("Customer", {"id_number": "AB123456C"}, "name")
	assert rows[16] == [
		("ID Number", "ab123456c", f"Duplicate: row 15 of this file (customer {mia}) has the same ID Number.")
	]


@pytest.mark.parametrize("writers", [2, 0])
def test_a_chunk_the_database_refuses_leaves_nothing_and_is_saved_row_by_row(cleanup, monkeypatch, writers):
	"""The database refuses a chunk at its last statement, after all its customers, contacts and
	addresses were written: the whole chunk is rolled back (no customer, contact, address or link
	of it is left), then each of its rows is written on its own: none is lost, none written twice."""
	from customer_lifecycle.customers.doctype.customer_import import customer_import
	from customer_lifecycle.customers.importer.load_data import TableRows

	build, refused = CustomerWriter.build, []

	def build_one_to_refuse(writer, batch):
		build(writer, batch)
		if not refused and len(batch.names) > 1:
			refused.append(batch)
			# the chunk's first customer again: a duplicate key
			batch.tables.append(TableRows("Customer", {}, ["name"], [[batch.names[0]]], 1))

	monkeypatch.setattr(CustomerWriter, "build", build_one_to_refuse)
	monkeypatch.setattr(customer_import, "CHUNK", 8)
	monkeypatch.setattr(customer_import, "WRITERS", writers)
	doc = run(new_import(SAMPLE))
	assert (doc.status, doc.inserted, doc.duplicates, doc.rejected) == ("Completed", 20, 0, 0)
	names = refused[0].names
	assert len(names) == 8
	assert not frappe.db.exists("Customer", {"name": ("in", names)})
	assert not frappe.db.exists("Dynamic Link", {"link_doctype": "Customer", "link_name": ("in", names)})
	assert not frappe.db.exists("Contact", {"name": ("like", f"%-{names[0]}")})
	rows = list(csv.DictReader(io.StringIO((FIXTURES / SAMPLE).read_text())))
	for row in rows:
		customers = frappe.get_all(
			"Customer",
			filters={"customer_name": row["Customer Name"]},
			fields=["name", "primary_contact", "billing_address"],
		)
		assert len(customers) == 1, row["Customer Name"]
		assert bool(customers[0].primary_contact) == bool(row["Email"] or row["Phone"])
		assert bool(customers[0].billing_address) == bool(row["Address Line 1"])
		links = frappe.get_all(
			"Dynamic Link",
			filters={"link_doctype": "Customer", "link_name": customers[0].name},
			pluck="parenttype",
		)
		assert sorted(links) == sorted(
			["Contact"] * bool(row["Email"] or row["Phone"]) + ["Address"] * bool(row["Address Line 1"])
		)


def test_billing_addresses_named_alike_but_for_case_or_accents_are_all_imported(cleanup):
	"""An address is named after its title, which the database compares case and accents aside: a
	title like one in the table or earlier in the file gets the customer's name added."""
	domain = f"casefold-{uuid.uuid4().hex[:6]}.example"
	header = "Customer Name,Email,Address Line 1,City/Town\n"
	run(new_import("first.csv", (header + f"Mcdonald Casefold Ltd,one@{domain},1 A Street,Leeds\n").encode()))
	doc = run(
		new_import(
			"second.csv",
			(
				header
				+ f"McDonald Casefold Ltd,two@{domain},2 A Street,Leeds\n"
				+ f"MCDONALD CASEFOLD LTD,three@{domain},3 A Street,York\n"
				+ f"McDönald Casefold Ltd,four@{domain},4 A Street,Hull\n"
			).encode(),
		)
	)
	assert (doc.status, doc.inserted, doc.rejected) == ("Completed", 3, 0)
	customers = frappe.get_all(
		"Customer",
		filters={"email": ("like", f"%@{domain}")},
		fields=["name", "billing_address", "address_line1"],
	)
	assert len(customers) == 4
	assert len({c.billing_address.casefold() for c in customers}) == 4
	for customer in customers:
		address = frappe.get_doc("Address", customer.billing_address)
		assert address.address_line1 == customer.address_line1
		assert [link.link_name for link in address.links] == [customer.name]


def test_text_is_stored_as_written(cleanup):
	"""Quotes, backslashes, line breaks, per cent signs and what frappe.db.sql would rewrite."""
	values = {
		"customer_name": 'O\'Brien \\ "Ifnull(Test)" 100%',
		"customer_type": "Individual",
		"customer_category": None,
		"email": f"obrien.{uuid.uuid4().hex[:6]}@import-text.example",
		"phone": None,
		"id_number": None,
		"notes": "Line 1\nIFNULL(x, 'y') \\n; -- 50%",
		"address_line1": "1 Quote's Road",
		"address_line2": None,
		"city": "Leeds",
		"county": None,
		"pincode": None,
		"country": "United Kingdom",
		"name_key": "obrn",
	}
	name = CustomerWriter().write([values])[0]
	stored = frappe.db.get_value("Customer", name, ["customer_name", "notes", "address_line1"], as_dict=True)
	assert stored == {k: values[k] for k in ("customer_name", "notes", "address_line1")}
	contact = frappe.get_doc("Contact", frappe.db.get_value("Customer", name, "primary_contact"))
	assert contact.full_name == values["customer_name"]
	assert contact.links[0].link_title == values["customer_name"]


@pytest.mark.parametrize("writers,load", [(2, True), (2, False), (0, False)])
def test_a_file_of_awkward_text_is_stored_as_written(cleanup, monkeypatch, writers, load):
	"""Through the background writers (their own connections, as LOAD DATA files or, where the
	server takes none, INSERTs) and through the site's connection (frappe.db.sql): quotes,
	backslashes, tabs, line breaks, NUL-like control characters, the separator columns are escaped
	with, per cent signs, unicode, and text that frappe.db.sql would rewrite come back from the
	database exactly as the checked row had them."""
	from customer_lifecycle.customers.doctype.customer_import import customer_import
	from customer_lifecycle.customers.importer.background import BackgroundWriters
	from customer_lifecycle.customers.importer.rules import site_rules

	monkeypatch.setattr(customer_import, "WRITERS", writers)
	monkeypatch.setattr(BackgroundWriters, "LOAD", load)
	monkeypatch.setattr(customer_import, "CHUNK", 2)
	notes = [
		'He said "it\'s fine" \\ not \\n a line break',
		"Line one\nLine two\r\nIFNULL(x, 'y'); -- 50% %s %(name)s",
		"tab\tand unit\x1fseparator, sub \x1a, Zoë Ångström 名前 😀",
		"ifnull(",
		"\\N",
	]
	names = [
		'O\'Brien \\ "Quoted" Awkward',
		"Zoë Ångström-Awkward",
		"名前 Awkward 😀",
		"IfNull(Test) 100% Awkward",
		"\\N Awkward",
	]
	emails = [f"awkward{i}.{uuid.uuid4().hex[:6]}@import-text.example" for i in range(len(names))]
	out = io.StringIO()
	writer = csv.writer(out, lineterminator="\n")
	writer.writerow(["Customer Name", "Email", "Notes", "Address Line 1", "City/Town"])
	for i, (name, note) in enumerate(zip(names, notes, strict=True)):
		writer.writerow([name, emails[i], note, f"{i} Quote's \\ Road", "Leeds"])
	doc = run(new_import("awkward.csv", out.getvalue().encode()))
	assert (doc.status, doc.inserted, doc.rejected) == ("Completed", 5, 0)
	for i, (name, note) in enumerate(zip(names, notes, strict=True)):
		customer = frappe.get_doc("Customer", {"email": emails[i]})
		assert (customer.customer_name, customer.notes, customer.address_line1) == (
			name,
			note,
			f"{i} Quote's \\ Road",
		)
		assert customer.name_key == site_rules().name_key(name)
		contact = frappe.get_doc("Contact", customer.primary_contact)
		assert (contact.full_name, contact.links[0].link_title) == (name, name)
		address = frappe.get_doc("Address", customer.billing_address)
		assert (address.address_title, address.address_line1) == (name, f"{i} Quote's \\ Road")


def test_running_a_file_again_in_many_chunks_creates_nothing(cleanup, monkeypatch):
	"""Re-running with the background writers and small chunks: nothing is created twice, nothing
	half-written is left; every row the first run wrote is reported as already there."""
	from customer_lifecycle.customers.doctype.customer_import import customer_import

	monkeypatch.setattr(customer_import, "CHUNK", 3)
	monkeypatch.setattr(customer_import, "WRITERS", 2)
	doctypes = ("Customer", "Contact", "Address", "Dynamic Link", "Contact Email", "Contact Phone")
	before = {dt: frappe.db.count(dt) for dt in doctypes}
	first = run(new_import(MESSY))
	assert (first.inserted, first.duplicates, first.rejected) == (9, 4, 9)
	counts = {dt: frappe.db.count(dt) for dt in doctypes}
	assert counts["Customer"] == before["Customer"] + 9
	# each new customer complete: its contact and address, each linked once
	for customer in messy_customers():
		links = frappe.get_all(
			"Dynamic Link",
			filters={"link_doctype": "Customer", "link_name": customer.name},
			pluck="parenttype",
		)
		record = frappe.db.get_value(
			"Customer", customer.name, ["primary_contact", "billing_address"], as_dict=True
		)
		assert sorted(links) == sorted(
			["Contact"] * bool(record.primary_contact) + ["Address"] * bool(record.billing_address)
		)
	again = run(new_import(MESSY))
	assert (again.inserted, again.duplicates, again.rejected) == (0, 13, 9)
	assert {dt: frappe.db.count(dt) for dt in doctypes} == counts


def test_each_customer_gets_its_contact_address_state_and_score(cleanup):
	run(new_import(MESSY))
	pat = frappe.get_doc("Customer", {"email": "pat.troy@messy-import.example"})
	assert pat.lifecycle_status == initial_state(get_workflow())
	assert pat.lifecycle_since
	assert pat.name_key
	contact = frappe.get_doc("Contact", pat.primary_contact)
	assert [(r.link_doctype, r.link_name) for r in contact.links] == [("Customer", pat.name)]
	assert [e.email_id for e in contact.email_ids] == ["pat.troy@messy-import.example"]
	assert [p.phone for p in contact.phone_nos] == ["+442079460959"]
	address = frappe.get_doc("Address", pat.billing_address)
	assert (address.address_line1, address.city, address.pincode, address.country) == (
		"9 Mill Lane",
		"Leeds",
		"LS1 5AB",
		"United Kingdom",
	)
	assert [(r.link_doctype, r.link_name) for r in address.links] == [("Customer", pat.name)]
	assert pat.notes == 'Prefers "email", not calls'
	# the saved figure is the one the controller computes from the same record
	doc = frappe.get_doc("Customer", pat.name)
	doc.run_method("validate")
	assert doc.completeness == pat.completeness > 0
	# the form shows them, as for a customer saved in the desk
	pat.run_method("onload")
	assert [c.name for c in pat.get_onload()["contact_list"]] == [contact.name]
	assert [a.name for a in pat.get_onload()["addr_list"]] == [address.name]


@pytest.mark.parametrize("transport", ["insert", "load"])
def test_rows_are_the_records_the_controller_makes(cleanup, make_customer, transport):
	"""Written by an import (as a background writer does, with LOAD DATA, or as a refused chunk's
	rows are, with INSERT), a row gives the Customer, Contact and Address values Customer.insert
	does."""
	from customer_lifecycle.customers.importer.background import BackgroundWriters

	tag = uuid.uuid4().hex[:6]
	values = {
		"customer_name": "Shape Compare",
		"customer_type": "Individual",
		"customer_category": "Retail",
		"email": f"shape.compare.{tag}@import-shape.example",
		"phone": "+442079460970",
		"id_number": f"SHAPE-{tag}-1",
		"notes": None,
		"address_line1": "1 Shape Street",
		"address_line2": None,
		"city": "Leeds",
		"county": None,
		"pincode": "LS1 1AA",
		"country": "United Kingdom",
	}
	from customer_lifecycle.customers.duplicates import name_key

	row = {**values, "name_key": name_key(values["customer_name"])}
	if transport == "insert":
		bulk = CustomerWriter().write([row])[0]
	else:
		writer = CustomerWriter()
		batch = writer.prepare([row])
		writer.build(batch)
		with BackgroundWriters(1) as writers:
			writers.submit(batch)
		assert batch.error is None
		bulk = batch.names[0]
		frappe.db.commit()
	saved = make_customer(
		**{
			**values,
			"email": f"shape.other.{tag}@import-shape.example",
			"phone": "+442079460971",
			"id_number": f"SHAPE-{tag}-2",
		}
	).name

	def record(
		doctype, name, skip=("name", "creation", "modified", "parent", "link_name", "lifecycle_since")
	):
		doc = frappe.get_doc(doctype, name).as_dict(no_default_fields=True)
		out = {}
		for key, value in doc.items():
			if key in skip:
				continue
			if isinstance(value, list):
				out[key] = [
					{
						k: v
						for k, v in row.items()
						if k not in (*skip, "idx", "owner", "modified_by", "doctype")
					}
					for row in value
				]
			else:
				out[key] = value
		return out

	ours, theirs = record("Customer", bulk), record("Customer", saved)
	for key in ("email", "phone", "id_number", "primary_contact", "billing_address"):
		ours.pop(key), theirs.pop(key)
	assert ours == theirs
	ours = record("Contact", frappe.db.get_value("Customer", bulk, "primary_contact"))
	theirs = record("Contact", frappe.db.get_value("Customer", saved, "primary_contact"))
	for key in ("email_id", "phone", "mobile_no", "email_ids", "phone_nos"):
		ours.pop(key), theirs.pop(key)
	assert ours == theirs
	ours = record("Address", frappe.db.get_value("Customer", bulk, "billing_address"))
	theirs = record("Address", frappe.db.get_value("Customer", saved, "billing_address"))
	assert ours == theirs


def test_running_the_same_file_again_creates_nothing(cleanup):
	first = run(new_import(MESSY))
	counts = {dt: frappe.db.count(dt) for dt in ("Customer", "Contact", "Address", "Dynamic Link")}
	again = run(new_import(MESSY))
	assert (again.inserted, again.duplicates, again.rejected) == (0, 13, 9)
	assert {dt: frappe.db.count(dt) for dt in counts} == counts
	reasons = [line[3] for line in error_lines(again)[1:] if line[3].startswith("Duplicate")]
	assert len(reasons) == 13
	assert all("already has this" in r for r in reasons if "row" not in r.split(":")[1][:5])
	# the same record started again also finds everything there already
	run(first)
	assert (first.inserted, first.duplicates, first.rejected) == (0, 13, 9)
	assert {dt: frappe.db.count(dt) for dt in counts} == counts


def test_an_xlsx_file_imports_like_the_csv(cleanup):
	book = Workbook()
	for row in read_table((FIXTURES / SAMPLE).read_bytes(), "csv"):
		book.active.append([v or None for v in row])
	content = io.BytesIO()
	book.save(content)
	doc = run(new_import("customers_sample.xlsx", content.getvalue()))
	assert (doc.status, doc.total_rows, doc.inserted, doc.duplicates, doc.rejected) == (
		"Completed",
		20,
		20,
		0,
		0,
	)
	assert not doc.error_file
	trust = frappe.get_doc("Customer", {"email": "trustees@juniper-trust-sample.example"})
	assert (trust.customer_type, trust.phone, trust.city) == ("Trust", "+442079460110", "Norwich")


def test_a_file_without_a_name_column_fails_with_a_message(cleanup):
	doc = run(new_import("nameless.csv", b"Email,Phone\na@b.example,\n"))
	assert doc.status == "Failed"
	assert "Customer Name" in doc.message
	assert doc.inserted == 0


def test_columns_that_match_no_field_are_named_in_the_message(cleanup):
	# a row with no email, phone or ID number is known by its name alone: one of this run's
	name = f"Ada Extracolumn {uuid.uuid4().hex[:6]}"
	doc = run(new_import("extra.csv", f"Customer Name,Shoe Size\n{name},42\n".encode()))
	assert (doc.status, doc.inserted) == ("Completed", 1)
	assert "Shoe Size" in doc.message


def test_only_csv_or_xlsx_files_are_accepted(site, rollback):
	with pytest.raises(frappe.ValidationError, match=r"csv or \.xlsx"):
		frappe.get_doc({"doctype": "Customer Import", "import_file": "/private/files/customers.pdf"}).insert()


def test_start_import_queues_the_job_on_the_long_queue(cleanup, personas):
	from frappe.utils.background_jobs import create_job_id, get_redis_conn, is_job_enqueued
	from rq.job import Job

	with as_user(personas["manager"]):
		doc = frappe.get_doc({"doctype": "Customer Import", "import_file": upload(SAMPLE)}).insert()
		assert start_import(doc.name)["status"] == "Queued"
		with pytest.raises(frappe.ValidationError, match="already queued"):
			start_import(doc.name)
	frappe.db.commit()  # the job is enqueued once the request's transaction commits
	job_id = f"customer_import::{doc.name}"
	assert is_job_enqueued(job_id)
	job = Job.fetch(create_job_id(job_id), connection=get_redis_conn())
	assert job.origin.endswith("long")
	assert job.kwargs["kwargs"]["import_name"] == doc.name
	job.delete()
	# what the worker would do, here
	with as_user(personas["manager"]):
		doc = run(doc)
	assert (doc.status, doc.inserted) == ("Completed", 20)
	assert (
		frappe.db.get_value("Customer", {"email": "amelia.hartwell@sample-import.example"}, "owner")
		== personas["manager"]
	)


def test_customer_users_cannot_import(site, rollback, personas):
	file_url = upload(SAMPLE)
	doc = frappe.get_doc({"doctype": "Customer Import", "import_file": file_url}).insert()
	with as_user(personas["user"]):
		with pytest.raises(frappe.PermissionError):
			frappe.get_doc({"doctype": "Customer Import", "import_file": file_url}).insert()
		with pytest.raises(frappe.PermissionError):
			start_import(doc.name)
	assert frappe.db.get_value("Customer Import", doc.name, "status") == "Pending"


def test_frappe_data_import_gives_customer_contact_and_address(cleanup):
	"""Frappe's own Data Import of Customer, columns mapped from the labels, through the controller."""
	from frappe.core.doctype.data_import.data_import import start_import as data_import_job

	data_import = frappe.get_doc(
		{
			"doctype": "Data Import",
			"reference_doctype": "Customer",
			"import_type": "Insert New Records",
			"import_file": upload(SAMPLE),
		}
	).insert()
	assert not frappe.parse_json(data_import.template_warnings or "[]")
	frappe.db.commit()
	data_import_job(data_import.name)
	data_import.reload()
	assert data_import.status == "Success", frappe.get_all(
		"Data Import Log", filters={"data_import": data_import.name}, fields=["messages"]
	)

	rows = list(csv.DictReader(io.StringIO((FIXTURES / SAMPLE).read_text())))
	assert len(rows) == 20
	for row in rows:
		customer = frappe.get_doc("Customer", {"customer_name": row["Customer Name"]})
		assert customer.email == (row["Email"] or None)
		assert customer.lifecycle_status == initial_state(get_workflow())
		if row["Email"] or row["Phone"]:
			contact = frappe.get_doc("Contact", customer.primary_contact)
			assert contact.email_id == row["Email"]
			assert customer.name in [link.link_name for link in contact.links]
		else:
			assert not customer.primary_contact
		if row["Address Line 1"]:
			address = frappe.get_doc("Address", customer.billing_address)
			assert (address.address_line1, address.city, address.pincode) == (
				row["Address Line 1"],
				row["City/Town"],
				row["Postal Code"],
			)
		else:
			assert not customer.billing_address


# --- the mapping step: other products' exports ----------------------------------------------------


def columns_of(doc) -> dict[str, tuple[str, str]]:
	"""The import's columns as the form shows them: title -> (imported as, first values)."""
	return {row.column: (row.field or "", row.sample or "") for row in doc.columns}


def errors_by_row(doc) -> dict[int, list[tuple[str, str, str]]]:
	rows: dict[int, list] = {}
	for row, field, value, reason in error_lines(doc)[1:]:
		rows.setdefault(int(row), []).append((field, value, reason))
	return rows


def customer(email: str) -> frappe._dict:
	return frappe.db.get_value(
		"Customer",
		{"email": email},
		[
			"name",
			"customer_name",
			"customer_type",
			"phone",
			"id_number",
			"lifecycle_status",
			"primary_contact",
			"billing_address",
			"country",
		],
		as_dict=True,
	)


def notes_of(name: str) -> list[frappe._dict]:
	return frappe.get_all(
		"Customer Note", filters={"customer": name}, fields=["name", "content", "visibility", "pinned"]
	)


def counts(doc) -> tuple:
	return (doc.status, doc.total_rows, doc.inserted, doc.duplicates, doc.rejected)


def address_of(record: frappe._dict, *fields: str) -> tuple:
	return frappe.db.get_value("Address", record.billing_address, fields)


def test_a_hubspot_export_imports_through_the_suggested_mapping(cleanup):
	doc = new_import(HUBSPOT)
	columns = columns_of(doc)
	assert list(columns) == read_table((FIXTURES / HUBSPOT).read_bytes(), "csv")[0]
	assert columns["First Name"] == ("First Name", "Amara, Ben, Siobhán")
	assert columns["Company Name"][0] == "Company (flag or company name)"
	assert columns["Lifecycle Stage"][0] == "Lifecycle Stage (kept in a note)"
	assert columns["Mobile Phone Number"][0] == "Mobile (when Phone is empty)"
	assert columns["Record ID"][0] == columns["Create Date"][0] == columns["Fax Number"][0] == ""
	assert not doc.mapping and doc.header_key

	doc = run(doc)
	assert counts(doc) == ("Completed with Errors", 13, 8, 1, 4)
	first = initial_state(get_workflow())
	assert "Columns not imported: Record ID, Job Title, Lead Status, Create Date" in doc.message
	assert f"starts as {first}" in doc.message

	amara = customer("amara.osei@lumenhealth.example.com")
	assert (amara.customer_name, amara.customer_type, amara.phone, amara.country) == (
		"Amara Osei",
		"Company",
		"+442079460123",
		"United Kingdom",
	)
	contact = frappe.db.get_value(
		"Contact", amara.primary_contact, ["first_name", "last_name", "company_name", "full_name"]
	)
	assert contact == ("Amara", "Osei", "Lumen Health Ltd", "Amara Osei")
	assert address_of(amara, "address_line1", "city", "county") == (
		"Flat 2, 14 Elm Row",
		"London",
		"Greater London",
	)
	zoe = customer("zoe.lindqvist@northwind.example.com")
	assert (zoe.customer_name, zoe.customer_type) == ("Zoë Lindqvist", "Company")
	ben = customer("ben.fletcher@example.org")
	assert (ben.customer_name, ben.customer_type, ben.phone) == (
		"Ben Fletcher",
		"Individual",
		"+442079460124",
	)
	# the mobile number where the phone is empty
	assert customer("siobhan.nibhriain@example.net").phone == "+447911123457"
	assert customer("hamid.karimi@example.com").phone == "+447400123789"
	lukasz = customer("lukasz.nowak@example.com")
	assert (lukasz.customer_name, lukasz.phone, lukasz.country) == (
		"Łukasz Nowak",
		"+27215550147",
		"South Africa",
	)

	# every customer starts in the first state, with no lifecycle change; the stage is in a note
	emails = [
		"amara.osei@lumenhealth.example.com",
		"ben.fletcher@example.org",
		"siobhan.nibhriain@example.net",
		"zoe.lindqvist@northwind.example.com",
		"lukasz.nowak@example.com",
		"grace.oneill@example.co.uk",
		"hamid.karimi@example.com",
		"ines.duarte@example.com",
	]
	names = [customer(email).name for email in emails]
	assert {customer(email).lifecycle_status for email in emails} == {first}
	assert not frappe.db.exists("Customer Lifecycle Change", {"customer": ("in", names)})
	notes = {email: notes_of(customer(email).name) for email in emails}
	assert notes["hamid.karimi@example.com"] == []  # no stage in the file
	assert [len(n) for email, n in notes.items() if email != "hamid.karimi@example.com"] == [1] * 7
	note = notes["zoe.lindqvist@northwind.example.com"][0]
	assert (note.visibility, note.pinned) == ("Internal", 0)
	assert "Marketing Qualified Lead" in note.content and "No lifecycle state has this name" in note.content

	rows = errors_by_row(doc)
	assert sorted(rows) == [5, 6, 8, 9, 14]
	assert rows[5] == [("Email", "tom.baker@example", "is not a valid email address.")]
	assert rows[6] == [("Customer Name", "", "Customer Name is required.")]
	assert rows[8][0][:2] == ("Phone Number", "07700 900123")
	assert rows[9] == [
		(
			"Email",
			"ben.fletcher@example.org",
			f"Duplicate: row 3 of this file (customer {ben.name}) has the same Email.",
		)
	]
	assert rows[14] == [("City", "", "City/Town is required for the billing address.")]
	for email in ("tom.baker@example", "newsletter.reader@example.com", "kwame.mensah@example.com"):
		assert not frappe.db.exists("Customer", {"email": email})


def test_an_odoo_export_imports_through_the_suggested_mapping(cleanup):
	doc = new_import(ODOO)
	columns = columns_of(doc)
	assert columns["Name"][0] == "Customer Name"
	assert columns["Is a Company"] == ("Company (flag or company name)", "True, False, True")
	assert columns["Tax ID"][0] == "ID Number"
	assert columns["Tags"] == ("", "VIP,Wholesale, Retail, Member")
	doc = run(doc)
	assert counts(doc) == ("Completed with Errors", 12, 8, 1, 3)
	azure = customer("info@azure-interior.example.com")
	assert (azure.customer_name, azure.customer_type, azure.id_number, azure.phone) == (
		"Azure Interior Ltd",
		"Company",
		"GB123456789",
		"+442079460811",
	)
	assert address_of(azure, "address_line1", "address_line2", "county") == (
		"Unit 4, Riverside Park",
		"Tower Bridge Road",
		"Greater London (GB)",
	)
	assert frappe.get_value("Contact", azure.primary_contact, "company_name") == "Azure Interior Ltd"
	brandon = customer("brandon.freeman@azure-interior.example.com")
	assert (brandon.customer_type, brandon.phone) == ("Individual", "+447911123456")
	contact = frappe.get_doc("Contact", brandon.primary_contact)
	assert (contact.first_name, contact.last_name, contact.company_name) == ("Brandon", "Freeman", None)
	assert customer("marc.demo@example.com").phone == "+442920180457"
	assert customer("gemini@example.net").country == "South Africa"
	# no stage column: no notes
	assert not frappe.db.exists("Customer Note", {"customer": azure.name})

	rows = errors_by_row(doc)
	assert sorted(rows) == [6, 8, 9, 11]
	assert rows[6] == [("Name", "", "Customer Name is required.")]
	assert rows[8][0][:2] == ("Mobile", "12345")
	assert rows[9] == [("Country", "Atlantis", "is not a country.")]
	marc = customer("marc.demo@example.com").name
	assert rows[11] == [
		("Phone", "+442920180457", f"Duplicate: row 10 of this file (customer {marc}) has the same Phone.")
	]


def test_a_saved_mapping_is_picked_for_the_next_file_with_the_same_columns(cleanup, personas):
	with as_user(personas["manager"]):
		first = new_import(HUBSPOT)
		record_id = next(row for row in first.columns if row.column == "Record ID")
		record_id.field = "ID Number"  # a correction: HubSpot's record id as the ID number
		first.save()
		assert save_mapping(first.name, "HubSpot contacts") == {
			"name": first.name,
			"mapping": "HubSpot contacts",
		}
		mapping = frappe.get_doc("Customer Import Mapping", "HubSpot contacts")
		assert mapping.header_key == first.header_key
		assert [row.sample for row in mapping.columns] == [None] * len(first.columns)  # no customer data

		# the same columns in another order and case: the mapping is picked, with the correction
		table = read_table((FIXTURES / HUBSPOT).read_bytes(), "csv")
		out = io.StringIO()
		csv.writer(out).writerows(
			[[*row[1:], row[0].upper() if i == 0 else row[0]] for i, row in enumerate(table)]
		)
		again = new_import("hubspot-reordered.csv", out.getvalue().encode())
		assert again.mapping == "HubSpot contacts"
		assert columns_of(again)["RECORD ID"][0] == "ID Number"
		assert columns_of(again)["Email"][0] == "Email"
		again = run(again)
		assert again.inserted == 8
		assert customer("amara.osei@lumenhealth.example.com").id_number == "51001"

		# other columns: no mapping, the suggestions
		other = new_import("fewer.csv", b"Record ID,First Name,Email\n1,Ann,ann.fewer@example.com\n")
		assert not other.mapping
		assert columns_of(other)["Record ID"][0] == ""

		# saved again under the same name: updated
		first.reload()
		assert first.mapping == "HubSpot contacts"
		record_id = next(row for row in first.columns if row.column == "Record ID")
		record_id.field = ""
		first.save()
		save_mapping(first.name, "HubSpot contacts")
		mapping.reload()
		assert next(row.field for row in mapping.columns if row.column == "Record ID") in ("", None)
		# imports made with it do not keep it from being deleted
		frappe.delete_doc("Customer Import Mapping", "HubSpot contacts")
		assert frappe.db.get_value("Customer Import", first.name, "mapping") == "HubSpot contacts"


def test_what_the_user_maps_is_checked_when_the_import_is_saved(cleanup):
	doc = new_import(HUBSPOT)
	for row in doc.columns:
		if row.column in ("Email", "Lead Status"):
			row.field = "Email"
	with pytest.raises(frappe.ValidationError, match="Two columns are for Email: Email and Lead Status"):
		doc.save()
	doc.reload()
	for row in doc.columns:
		if row.field in ("First Name", "Last Name", "Company (flag or company name)"):
			row.field = ""
	with pytest.raises(frappe.ValidationError, match="no Customer Name column"):
		doc.save()


def test_the_columns_come_only_from_a_file_the_user_may_read(cleanup, personas):
	"""The form shows a file's first values: an import of another user's private file is refused."""
	private = upload(HUBSPOT)  # Administrator's
	with as_user(personas["manager"]):
		with pytest.raises(frappe.PermissionError):
			frappe.get_doc({"doctype": "Customer Import", "import_file": private}).insert()


def test_a_stage_that_names_a_state_is_noted_and_the_customer_starts_first(cleanup):
	"""No customer is moved by an import: one whose stage is a later state starts in the first
	state too, and its note names that state; a stage that is the first state needs no note."""
	states = list(dict.fromkeys(row.state for row in get_workflow().states))
	first, later = states[0], states[-1]
	content = (
		"Customer Name,Email,Stage\n"
		f"Stage First,stage.first@stage-import.example,{first.upper()}\n"
		f"Stage Later,stage.later@stage-import.example,{later}\n"
		"Stage Other,stage.other@stage-import.example,Customer\n"
	)
	doc = new_import("stages.csv", content.encode())
	assert columns_of(doc)["Stage"][0] == "Lifecycle Stage (kept in a note)"
	assert run(doc).inserted == 3
	made = {
		email.split(".")[1].split("@")[0]: customer(email)
		for email in (
			"stage.first@stage-import.example",
			"stage.later@stage-import.example",
			"stage.other@stage-import.example",
		)
	}
	assert {c.lifecycle_status for c in made.values()} == {first}
	assert notes_of(made["first"].name) == []
	(note,) = notes_of(made["later"].name)
	assert f"the lifecycle state <strong>{later}</strong>" in note.content
	assert f"Imported customers start as <strong>{first}</strong>" in note.content
	(note,) = notes_of(made["other"].name)
	assert "<strong>Customer</strong>. No lifecycle state has this name" in note.content


def test_an_imported_note_is_the_record_the_controller_makes(cleanup):
	doc = run(
		new_import(
			"stage.csv",
			b"Customer Name,Email,Lifecycle Stage\nNote Shape,note.shape@import-shape.example,Lead\n",
		)
	)
	name = customer("note.shape@import-shape.example").name
	(bulk,) = notes_of(name)
	saved = frappe.get_doc(
		{"doctype": "Customer Note", "customer": name, "content": bulk.content, "visibility": "Internal"}
	).insert()
	skip = ("name", "creation", "modified")
	ours = {k: v for k, v in frappe.get_doc("Customer Note", bulk.name).as_dict().items() if k not in skip}
	theirs = {k: v for k, v in saved.as_dict().items() if k not in skip}
	assert ours == theirs
	assert doc.inserted == 1
