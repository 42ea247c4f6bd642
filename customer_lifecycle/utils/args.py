"""Arguments of whitelisted methods that carry a list or a document: forms send them as JSON text,
frappe.call and Python callers as lists and dicts. Text that is not the JSON expected is refused with
a message that names the argument (a 417), never passed on to fail deeper as a server error."""

import json
from typing import Any

import frappe
from frappe import _
from frappe.utils import escape_html, getdate

KINDS = {list: ("a list", '["A", "B"]'), dict: ("a JSON object", '{"key": "value"}')}


def json_arg(value: Any, field: str, kind: type) -> Any:
	"""`value` as the list or dict (kind) it must be; None and "" stay None."""
	if value is None or value == "":
		return None
	if isinstance(value, str):
		try:
			value = json.loads(value)
		except ValueError:
			refuse(field, kind)
	if not isinstance(value, kind):
		refuse(field, kind)
	return frappe._dict(value) if kind is dict else value


def names_arg(value: Any, field: str) -> list[str]:
	"""Record names from a JSON list, a list, or one name: stripped, without blanks or repeats, in
	their order."""
	if isinstance(value, str) and not value.lstrip().startswith("["):
		values = [value]
	else:
		values = json_arg(value, field, list) or []
	if not all(isinstance(v, str | int) for v in values):
		refuse(field, list)
	return list(dict.fromkeys(str(v).strip() for v in values if str(v).strip()))


def date_arg(value: Any, label: str) -> str | None:
	"""A date argument as YYYY-MM-DD; None and "" stay None. Text that is no date is refused naming the
	field (`label`), before it reaches the database, which would refuse it with a server error."""
	if value is None or value == "":
		return None
	try:
		return str(getdate(value))
	except (ValueError, TypeError, frappe.ValidationError):
		frappe.clear_last_message()
		frappe.throw(
			_("{0}: {1} is not a date.").format(frappe.bold(_(label)), frappe.bold(escape_html(str(value)))),
			frappe.ValidationError,
			title=_("Invalid Argument"),
		)


def refuse(field: str, kind: type):
	what, example = KINDS[kind]
	frappe.throw(
		_("{0} must be {1}, for example {2}.").format(frappe.bold(field), _(what), example),
		frappe.ValidationError,
		title=_("Invalid Argument"),
	)


def choice_arg(value: Any, field: str, choices) -> str:
	"""`value` when it is one of `choices`; otherwise refused with a message that names them."""
	if value not in choices:
		frappe.throw(
			_("{0} must be one of: {1}.").format(frappe.bold(field), ", ".join(choices)),
			frappe.ValidationError,
			title=_("Invalid Argument"),
		)
	return value
