"""Writing many rows at once: one column (set_column), records' own values (update_rows), new
records (insert_rows)."""

import json

import frappe
from frappe.query_builder import Case


def set_column(doctype: str, fieldname: str, values: dict[str, object]) -> None:
	"""One UPDATE for many records: `fieldname` = CASE name WHEN ... END, for the names given.
	`modified` is left alone: these are derived values (scores, keys), not edits."""
	if not values:
		return
	table = frappe.qb.DocType(doctype)
	case = Case()
	for name, value in values.items():
		case = case.when(table.name == name, value)
	frappe.qb.update(table).set(table[fieldname], case).where(table.name.isin(list(values))).run()


def chunks(doctype: str, fields: list[str], size: int = 2000):
	"""Every record of a doctype, `size` rows at a time in name order (keyset paging: each chunk is
	an index range read, however large the table)."""
	last = ""
	while True:
		rows = frappe.get_all(
			doctype,
			filters={"name": [">", last]},
			fields=["name", *(f for f in fields if f != "name")],
			order_by="name asc",
			limit_page_length=size,
		)
		if not rows:
			return
		yield rows
		last = rows[-1].name


# a multi-row INSERT stays well below MariaDB's max_allowed_packet (16 MB by default): rows are sent
# in statements of at most this many bytes of values (estimated)
INSERT_BYTES = 8 * 1024 * 1024


def insert_rows(doctype: str, rows: list[dict]) -> int:
	"""Insert records in as few multi-row INSERTs as fit in INSERT_BYTES each (one for most
	batches); the columns are every key any row has, each value a parameter. Returns the number of
	statements sent. (frappe.db.bulk_insert builds its text with the query builder, a term per
	value: for tens of thousands of records that took longer than the database's work.)"""
	if not rows:
		return 0
	fields = list(dict.fromkeys(key for row in rows for key in row))
	head = f"insert into `tab{doctype}` ({', '.join(f'`{f}`' for f in fields)}) values "
	row_text = "(" + ", ".join(["%s"] * len(fields)) + ")"
	statements, values, count, size = 0, [], 0, 0
	for row in rows:
		record = [row.get(field) for field in fields]
		row_size = sum(len(str(value)) + 4 for value in record)
		if count and size + row_size > INSERT_BYTES:
			frappe.db.sql(head + ", ".join([row_text] * count), values)
			statements, values, count, size = statements + 1, [], 0, 0
		values.extend(record)
		count += 1
		size += row_size
	frappe.db.sql(head + ", ".join([row_text] * count), values)
	return statements + 1


def update_rows(doctype: str, values: dict[str, dict]) -> None:
	"""Set each record's own values ({name: {field: value}}; every record the same fields) in one
	UPDATE, whatever the number of records: joined to the values sent as one JSON document.
	Raw SQL: the query builder has no JSON_TABLE; the table and column names are the app's own and
	every value is a parameter. (A CASE per record, as set_column writes, is compared row by row:
	quadratic in the number of records.)"""
	if not values:
		return
	fields = list(next(iter(values.values())))
	document = json.dumps([[name, *(row[f] for f in fields)] for name, row in values.items()], default=str)
	columns = ", ".join(
		[
			"`name` varchar(140) path '$[0]'",
			*(f"`{f}` longtext path '$[{i}]'" for i, f in enumerate(fields, 1)),
		]
	)
	assignments = ", ".join(f"t.`{f}` = v.`{f}`" for f in fields)
	frappe.db.sql(
		f"""update `tab{doctype}` t
		join json_table(%(document)s, '$[*]' columns({columns})) v on v.`name` = t.`name`
		set {assignments}""",
		{"document": document},
	)
