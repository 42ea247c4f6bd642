"""Writing one column of many rows at once."""

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
