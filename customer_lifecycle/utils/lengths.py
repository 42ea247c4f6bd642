"""Text too long for its column is refused with a message that names the field, not sent on for the
database to refuse with a server error ("Data too long for column").

Frappe checks the length of varchar columns (Data, Link, Select, ...) itself on save. TEXT columns
(Small Text, Text) hold at most 65,535 bytes and are not checked, so 1 MB typed into a note or an
answer reached MariaDB. `check_text_lengths` runs on every save of the app's DocTypes (hooks.py
doc_events "*", for the app's modules only) and over their child rows; `check_text` serves values
written without a save (the lifecycle log's reason)."""

import frappe
from frappe import _
from frappe.modules.utils import get_module_app

APP = "customer_lifecycle"
# MariaDB's TEXT column, in bytes
TEXT_BYTES = 65_535
TEXT_COLUMNS = ("text",)


def check_text(label: str, value) -> None:
	"""Refuse `value` when it does not fit a TEXT column, naming the field by its label."""
	if isinstance(value, str) and len(value) * 4 > TEXT_BYTES and len(value.encode()) > TEXT_BYTES:
		frappe.throw(
			_("{0} is too long: at most {1} bytes, and this text has {2}.").format(
				frappe.bold(_(label)), f"{TEXT_BYTES:,}", f"{len(value.encode()):,}"
			),
			frappe.CharacterLengthExceededError,
			title=_("Value too big"),
		)


def check_text_lengths(doc, method=None) -> None:
	"""doc_events "*" validate: every TEXT field of a document of the app and of its child rows."""
	if doc.meta.istable or get_module_app(doc.meta.module) != APP:
		return
	for row in (doc, *doc.get_all_children()):
		for df in row.meta.fields:
			if frappe.db.type_map.get(df.fieldtype, ("",))[0] in TEXT_COLUMNS:
				check_text(df.label or df.fieldname, row.get(df.fieldname))
