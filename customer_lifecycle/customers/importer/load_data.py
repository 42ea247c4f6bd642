"""Records of one table as a batch writes them (TableRows): as a tab-separated file for LOAD DATA
LOCAL, or as one multi-row INSERT where the server takes no such file. Needs no database but the
cursor a TableRows is loaded on.

A value the same in every record (a default, a constant) is written once, SET in the statement;
text is escaped a column at a time, in one string, as LOAD DATA reads it by default.
"""

import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from operator import itemgetter

from pymysql.converters import escape_item

# what text values are joined by to be escaped a column at a time
SEPARATOR = "\x1f"
# LOAD DATA's default escapes (FIELDS TERMINATED BY '\t' ESCAPED BY '\\' LINES TERMINATED BY '\n')
TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\\0"})
TSV_SPECIAL = re.compile("[\\\\\t\n\r\0]")
TSV_NULL = "\\N"


@dataclass
class TableRows:
	"""Records of one table as a batch writes them: the values every record shares (`shared`, by
	column), then, for each of `fields`, its column of values, one per record, in order."""

	doctype: str
	shared: dict
	fields: list[str]
	columns: list[list]
	count: int

	def insert_query(self) -> tuple[str, list]:
		"""One multi-row INSERT with a parameter per value, for frappe.db.sql or a cursor: how a
		refused chunk's rows are written one by one, and the fallback where the server refuses
		LOAD DATA LOCAL."""
		names = ", ".join(f"`{f}`" for f in (*self.shared, *self.fields))
		row = "(" + ", ".join(["%s"] * (len(self.shared) + len(self.fields))) + ")"
		shared = tuple(self.shared.values())
		values = [value for record in zip(*self.columns, strict=True) for value in (*shared, *record)]
		return f"INSERT INTO `tab{self.doctype}` ({names}) VALUES " + ", ".join([row] * self.count), values

	def load_text(self) -> bytes:
		"""The records as LOAD DATA reads them by default: a line per record, a tab between values,
		text escaped with backslashes, NULL as \\N."""
		lines = map("\t".join, zip(*map(tsv_column, self.columns), strict=True))
		return ("\n".join(lines) + "\n").encode()

	def load_statement(self, path: str) -> str:
		"""LOAD DATA of the file at `path` (as load_text writes it); the shared values are SET."""
		names = ", ".join(f"`{f}`" for f in self.fields)
		shared = ", ".join(f"`{f}` = {escape_item(v, 'utf8mb4')}" for f, v in self.shared.items())
		return (
			f"LOAD DATA LOCAL INFILE {escape_item(path, 'utf8mb4')} INTO TABLE `tab{self.doctype}` "
			f"CHARACTER SET utf8mb4 ({names})" + (f" SET {shared}" if shared else "")
		)

	def load(self, cursor) -> None:
		"""Write the records with LOAD DATA LOCAL on a pymysql cursor whose connection allows it
		(open_connection). The server turns what would refuse an INSERT (a duplicate key, text too
		long) into a warning and goes on: any warning, or a record not written, raises LoadRefused,
		for the caller to roll the transaction back. A note (a decimal rounded) is no refusal."""
		with tempfile.NamedTemporaryFile(prefix="customer-import-", suffix=".tsv") as file:
			file.write(self.load_text())
			file.flush()
			written = cursor.execute(self.load_statement(file.name))
		if cursor.warning_count:
			cursor.execute("SHOW WARNINGS LIMIT 10")
			refusals = [message for level, _code, message in cursor.fetchall() if level != "Note"]
			if refusals:
				raise LoadRefused(f"{self.doctype}: " + "; ".join(refusals))
		if written != self.count:
			raise LoadRefused(f"{self.doctype}: {written} of {self.count} records written")


class LoadRefused(Exception):
	"""LOAD DATA left out records, or changed values, that an INSERT would have been refused for."""


def table_rows(
	doctype: str, rows: list[dict], constants: dict, defaults: dict | None = None, skip: Iterable[str] = ()
) -> TableRows:
	"""`rows` (dicts of column values) as TableRows, with `constants` in every record and
	`defaults` for the columns a row leaves empty (None); keys in `skip` are not columns. A column
	whose value is the same in every row (a default, a type) is written once, as shared."""
	defaults = defaults or {}
	left_out = {*constants, *skip}
	fields = [f for f in dict.fromkeys(chain.from_iterable(rows)) if f not in left_out]
	# columns no row has: their default, if they have one
	shared = {**constants, **{f: v for f, v in defaults.items() if f not in left_out and f not in fields}}
	kept, columns = [], []
	for fieldname, values in zip(fields, transpose(rows, fields), strict=True):
		default = defaults.get(fieldname)
		if default is not None:
			values = [default if value is None else value for value in values]
		if (
			fieldname != "name"
			and values.count(values[0]) == len(values)
			and len(set(map(type, values))) == 1
		):
			shared[fieldname] = values[0]
		else:
			kept.append(fieldname)
			columns.append(values)
	return TableRows(doctype, shared, kept, columns, len(rows))


def transpose(rows: list[dict], fields: list[str]) -> list[list]:
	"""The values of each field, a list per field, in the order of the rows (None where missing)."""
	if not fields:
		return []
	try:
		table = (
			list(map(itemgetter(*fields), rows)) if len(fields) > 1 else [(row[fields[0]],) for row in rows]
		)
	except KeyError:
		table = [tuple(row.get(f) for f in fields) for row in rows]
	return [list(column) for column in zip(*table, strict=True)]


def tsv_column(values: list) -> list[str]:
	"""tsv_value() of each value. A column of text (most are) is escaped as one string: joined with
	a separator that none of its values has, translated only if something in it needs escaping, and
	split again; any other column value by value."""
	try:
		joined = SEPARATOR.join(["" if value is None else value for value in values])
	except TypeError:
		return [tsv_value(value) for value in values]
	if joined.count(SEPARATOR) != len(values) - 1:
		return [tsv_value(value) for value in values]
	if TSV_SPECIAL.search(joined):
		joined = joined.translate(TSV_ESCAPES)
	cells = joined.split(SEPARATOR)
	if None in values:
		return [TSV_NULL if value is None else cell for value, cell in zip(values, cells, strict=True)]
	return cells


def tsv_value(value) -> str:
	"""A value as LOAD DATA reads it by default (FIELDS ESCAPED BY '\\\\')."""
	if value is None:
		return TSV_NULL
	if value.__class__ is str:
		return value.translate(TSV_ESCAPES)
	if isinstance(value, bool):
		return str(int(value))
	if isinstance(value, datetime):
		return value.isoformat(" ")
	return str(value)
