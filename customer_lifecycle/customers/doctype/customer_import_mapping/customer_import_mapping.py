# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

"""Customer Import Mapping: what each column of a customer file is imported as, saved under a name
(from a Customer Import's columns, its Save Mapping button) and offered again for the next file
with the same columns: its header_key is the file's set of column titles (mapping.header_key)."""

import frappe
from frappe import _
from frappe.model.document import Document

from customer_lifecycle.customers.importer.mapping import TARGET_OF, header_key, plan_columns
from customer_lifecycle.customers.importer.reading import ImportFileError
from customer_lifecycle.utils.doctypes import CUSTOMER, IMPORT_MAPPING


class CustomerImportMapping(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from customer_lifecycle.customers.doctype.customer_import_column.customer_import_column import (
			CustomerImportColumn,
		)

		columns: DF.Table[CustomerImportColumn]
		header_key: DF.Data | None
		mapping_name: DF.Data
	# end: auto-generated types

	def validate(self):
		check_columns(self.columns)
		self.header_key = header_key(row.column or "" for row in self.columns)


def targets_of(rows) -> list[str | None]:
	"""What each column row (Customer Import Column) is imported as: a mapping.TARGETS key, or None."""
	return [TARGET_OF.get(row.field or "") for row in rows]


def check_columns(rows) -> None:
	"""Refuse column rows that send two columns to one field, or that name no customer."""
	meta = frappe.get_meta(CUSTOMER)
	labels = {df.fieldname: _(df.label) for df in meta.fields if df.label}
	try:
		plan_columns([row.column or "" for row in rows], targets_of(rows), labels)
	except ImportFileError as e:
		frappe.throw(e.message(_), title=_("Columns"))


def saved_for(key: str) -> str | None:
	"""The saved mapping for files with these columns (a header_key), the one changed last, among
	those the user may read."""
	names = frappe.get_list(
		IMPORT_MAPPING, filters={"header_key": key}, pluck="name", order_by="modified desc", limit=1
	)
	return names[0] if names else None


def mapped_columns(name: str) -> dict[str, str | None]:
	"""A saved mapping's column title -> what the column is imported as (a mapping.TARGETS key)."""
	rows = frappe.get_doc(IMPORT_MAPPING, name).columns
	return {row.column or "": target for row, target in zip(rows, targets_of(rows), strict=True)}


def save(mapping_name: str, rows) -> str:
	"""Keep these column rows under `mapping_name` (a mapping of that name is updated): the
	mapping's name. Frappe checks that the user may create or change it."""
	if frappe.db.exists(IMPORT_MAPPING, mapping_name):
		mapping = frappe.get_doc(IMPORT_MAPPING, mapping_name)
	else:
		mapping = frappe.new_doc(IMPORT_MAPPING)
		mapping.mapping_name = mapping_name
	mapping.set("columns", [{"column": row.column, "field": row.field} for row in rows])
	mapping.save()
	return mapping.name
