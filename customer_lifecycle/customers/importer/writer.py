"""Writing checked rows as customers, each with the primary Contact and billing Address the
controller would make: names reserved from the naming series in one step, then Customer, Contact
(+ Contact Email, Contact Phone, Dynamic Link) and Address (+ Dynamic Link) records shaped by
`contacts.contact_dict` / `contacts.address_dict`, and the Customer Note that keeps a row's
lifecycle stage, built into TableRows for each table, written on the site's connection
(CustomerWriter.write) or by background writers (background.py).

Every imported customer starts in the workflow's first state, as the lifecycle guard has a new
customer start; a stage the file gives is kept in an Internal note (README: Import and export).
"""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import frappe
from frappe import _
from frappe.utils import escape_html, now_datetime

from customer_lifecycle.customers import completeness, contacts
from customer_lifecycle.customers.importer.frappe_adapters import address_names, child_names, new_doc_defaults
from customer_lifecycle.customers.importer.load_data import TableRows, table_rows
from customer_lifecycle.customers.importer.mapping import MAPPED, stage_state
from customer_lifecycle.customers.importer.rules import state_names
from customer_lifecycle.lifecycle import engine
from customer_lifecycle.utils.doctypes import CUSTOMER, NOTE
from customer_lifecycle.utils.naming import reserve_names

# what a checked row may carry beside the Customer fields, for its Contact and its note
EXTRA_KEYS = frozenset({*MAPPED, "company_name"})


def name_match_key(name: str) -> str:
	"""A key under which two record names the database could count as one (it compares them case
	and accents aside) are equal. It errs towards equal: punctuation and spacing are left out too."""
	text = unicodedata.normalize("NFKD", name.casefold())
	return "".join(ch for ch in text if ch.isalnum())


def taken_names(doctype: str, names: Iterable[str]) -> set[str]:
	"""Those of `names` that a record of `doctype` already has, as the database compares names
	(case and accents aside). One query; raw SQL, for a table value constructor of the names."""
	names = list(names)
	if not names:
		return set()
	# SQL text: the doctype is the importer's own; the names are parameters
	rows = frappe.db.sql(
		f"with wanted(n) as (values {', '.join(['(%s)'] * len(names))}) "
		f"select n from wanted where n in (select `name` from `tab{doctype}`)",
		names,
	)
	return {row[0] for row in rows}


@dataclass
class Batch:
	"""Checked rows on their way to the table, written as one transaction: the customers' names
	(reserved) and billing addresses (named), their records by table, then the error that
	refused them, if any. `tag` is the caller's (an import's chunk)."""

	rows: list[dict]
	names: list[str]
	addresses: list[dict | None]  # each row's billing Address (a frappe.get_doc-style dict), if any
	now: datetime
	tables: list[TableRows] = field(default_factory=list)
	error: Exception | None = None
	tag: object = None


class CustomerWriter:
	"""Writes checked rows (as RowChecker.check makes them) as customers, each with the primary Contact and
	billing Address its values make, as the controller would, and a note of its stage in the file.
	One writer serves a whole import.

	`prepare` asks the database what it must (names from the naming series in one step, the address
	names taken); `build` shapes the records and turns them into TableRows, needing no database.
	Lifecycle state, completeness and the links to the contact and address are set on the rows
	before they are written; a new customer has no lifecycle change yet, as with the controller."""

	DOCTYPES = (CUSTOMER, "Contact", "Address", NOTE)  # in the order they are written

	def __init__(self):
		self.series = frappe.get_meta(CUSTOMER).get_field("naming_series").options.split("\n")[0]
		self.state = engine.initial_state(engine.get_workflow())
		self.states = state_names()
		self.stage_notes: dict[str, str | None] = {}  # a stage -> its note (stage_note)
		self.rules = completeness.get_rules()
		self.user = frappe.session.user
		self.tables = {
			dt: {df.fieldname: df.options for df in frappe.get_meta(dt).get_table_fields()}
			for dt in self.DOCTYPES
		}
		children = {child for tables in self.tables.values() for child in tables.values()}
		self.defaults = {dt: new_doc_defaults(dt) for dt in (*self.DOCTYPES, *children)}
		self.address_keys: set[str] = set()  # name_match_key of each address name given so far

	def write(self, rows: list[dict]) -> list[str]:
		"""Insert customers from checked rows, in the caller's transaction on the site's connection.
		Returns their names, in order."""
		batch = self.prepare(rows)
		self.build(batch)
		for table in batch.tables:
			frappe.db.sql(*table.insert_query())
		return batch.names

	def prepare(self, rows: list[dict]) -> Batch:
		"""Reserve the customers' names and name their billing addresses (asks the database)."""
		names = reserve_names(self.series, len(rows)) if rows else []
		addresses = [
			contacts.address_dict({**values, "name": name}) for name, values in zip(names, rows, strict=True)
		]
		self.name_addresses([address for address in addresses if address])
		return Batch(rows, names, addresses, now_datetime())

	def name_addresses(self, docs: list[dict]) -> None:
		"""Address.autoname's "<title>-<type>" (address_names), or, when that name is taken (in the
		table or by another address of this import), "<title>-<type>-<customer>", which the
		customer's name keeps unique. The table is asked as it compares names; among the import's
		own addresses, name_match_key errs towards "taken"."""
		bases = address_names(docs)
		taken = taken_names("Address", set(bases))
		for doc, base in zip(docs, bases, strict=True):
			key = name_match_key(base)
			doc["name"] = (
				f"{base}-{doc['links'][0]['link_name']}"
				if base in taken or key in self.address_keys
				else base
			)
			self.address_keys.add(key)

	def stage_note(self, stage: str | None) -> str | None:
		"""The note that keeps a file's lifecycle stage (worked out once per stage): what the stage
		was and the state it names, if any; None for no stage, or for the state customers start in."""
		if not stage:
			return None
		if stage not in self.stage_notes:
			state = stage_state(stage, self.states)
			first = frappe.bold(escape_html(_(self.state)))
			if state == self.state:
				note = None
			elif state:
				note = _(
					"Lifecycle stage in the imported file: {0}, the lifecycle state {1}. Imported customers start as {2}: a lifecycle action moves the customer on."
				).format(frappe.bold(escape_html(stage)), frappe.bold(escape_html(_(state))), first)
			else:
				note = _(
					"Lifecycle stage in the imported file: {0}. No lifecycle state has this name; the customer starts as {1}."
				).format(frappe.bold(escape_html(stage)), first)
			self.stage_notes[stage] = note
		return self.stage_notes[stage]

	def build(self, batch: Batch) -> None:
		"""The batch's records by table, child rows included (needs no database)."""
		customers, contact_docs, address_docs, note_docs = [], [], [], []
		for name, values, address in zip(batch.names, batch.rows, batch.addresses, strict=True):
			customer = {
				**values,
				"name": name,
				"naming_series": self.series,
				"lifecycle_status": self.state,
				"lifecycle_since": batch.now,
				"primary_contact": None,
				"billing_address": address["name"] if address else None,
			}
			if customer["email"] or customer["phone"]:
				contact = contacts.contact_dict(customer)
				# as Contact.autoname names it: full name and the customer it is linked to
				contact["name"] = f"{contact['full_name']}-{name}"
				customer["primary_contact"] = contact["name"]
				contact_docs.append(contact)
			if address:
				address_docs.append(address)
			customer["completeness"] = completeness.score(customer, self.rules)
			customers.append(customer)
			note = self.stage_note(values.get("stage"))
			if note:
				note_docs.append({"customer": name, "content": note})
		for note, note_name in zip(note_docs, child_names(len(note_docs)), strict=True):
			# named as Customer Note's autoname "hash" names a record
			note["name"] = note_name

		now, user = batch.now, self.user
		standard = {"creation": now, "modified": now, "owner": user, "modified_by": user, "docstatus": 0}
		tables = []
		records = (customers, contact_docs, address_docs, note_docs)
		for doctype, docs in zip(self.DOCTYPES, records, strict=True):
			if not docs:
				continue
			children = self.tables[doctype]
			skip = {"doctype", *children, *(EXTRA_KEYS if doctype == CUSTOMER else ())}
			tables.append(
				table_rows(doctype, docs, {**standard, "idx": 0}, self.defaults[doctype], skip=skip)
			)
			for fieldname, child_doctype in children.items():
				rows = [
					{**child, "parent": doc["name"], "idx": idx}
					for doc in docs
					for idx, child in enumerate(doc.get(fieldname) or (), 1)
				]
				for row, child_name in zip(rows, child_names(len(rows)), strict=True):
					row["name"] = child_name
				if rows:
					constants = {**standard, "parenttype": doctype, "parentfield": fieldname}
					tables.append(table_rows(child_doctype, rows, constants, self.defaults[child_doctype]))
		batch.tables = tables
