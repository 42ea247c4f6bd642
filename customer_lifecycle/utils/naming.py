"""Names from a naming series, many at once: for records written in bulk, not one by one."""

import frappe
from frappe.model.naming import parse_naming_series


def reserve_names(series: str, count: int) -> list[str]:
	"""Take `count` consecutive names from a naming series, as `count` inserts would."""
	prefix = parse_naming_series(series.rsplit(".#", 1)[0].rstrip("."))
	digits = series.count("#")
	table = frappe.qb.DocType("Series")
	row = frappe.qb.from_(table).select(table.current).where(table.name == prefix).for_update().run()
	current = int(row[0][0]) if row and row[0][0] is not None else 0
	if row:
		frappe.qb.update(table).set(table.current, current + count).where(table.name == prefix).run()
	else:
		frappe.qb.into(table).columns("name", "current").insert(prefix, count).run()
	return [f"{prefix}{n:0{digits}d}" for n in range(current + 1, current + count + 1)]
