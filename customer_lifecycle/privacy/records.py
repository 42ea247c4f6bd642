"""What the app counts as a customer's own records and personal data, and which other records link to a
customer: read by anonymization (scrub) and by the delete guard.
"""

import frappe
from frappe import _
from frappe.model.rename_doc import get_link_fields

from customer_lifecycle.lifecycle import engine
from customer_lifecycle.utils.customer_fields import ADDRESS_LINES
from customer_lifecycle.utils.doctypes import (
	CHANGE_LOG,
	CHECKLIST,
	CUSTOMER,
	FLAG,
	GENERATED_DOCUMENT,
	NOTE,
	REQUEST,
	STATE_FIELD,
)

# the Customer's personal fields, emptied on anonymization (the name is replaced, not emptied)
PERSONAL_FIELDS = ("email", "phone", "id_number", "birth_date", "notes", *ADDRESS_LINES)


# records that belong to a customer: scrubbed by name here, deleted with a deleted customer
# (onboarding rounds are deleted by checklists.on_customer_trash)
OWN_DOCTYPES = (CHANGE_LOG, NOTE, FLAG, CHECKLIST, REQUEST)


# records of other modules that go with a deleted customer, when their DocType exists (a generated
# document takes its PDF with it)
CASCADE_DOCTYPES = ("Customer Rate", GENERATED_DOCUMENT)


def linking_doctypes() -> list[dict]:
	"""The (non-single) DocTypes with a Link field to Customer, other than the customer's own records:
	[{parent, fieldname}] (Frappe's own list, the one its delete check uses). Frappe keeps that list
	for the rest of the request; it is read afresh here, so a DocType added meanwhile counts too."""
	(frappe.flags.link_fields or {}).pop(CUSTOMER, None)
	return [
		row
		for row in get_link_fields(CUSTOMER)
		if not row.get("issingle") and row["parent"] not in (CUSTOMER, *OWN_DOCTYPES)
	]


def linked_records(customer: str, links: list[dict] | None = None) -> dict[str, list[str]]:
	"""Records of other DocTypes that link to the customer, by DocType (child rows count as their
	parent document)."""
	found: dict[str, set] = {}
	for row in links if links is not None else linking_doctypes():
		meta = frappe.get_meta(row["parent"])
		if meta.istable:
			for parent, parenttype in frappe.get_all(
				row["parent"],
				filters={row["fieldname"]: customer},
				fields=["parent", "parenttype"],
				as_list=True,
			):
				found.setdefault(parenttype, set()).add(parent)
		else:
			names = frappe.get_all(row["parent"], filters={row["fieldname"]: customer}, pluck="name")
			if names:
				found.setdefault(row["parent"], set()).update(names)
	return {doctype: sorted(names) for doctype, names in found.items()}


def anonymized_state() -> str | None:
	return engine.get_settings().anonymized_state


def anonymous_name(customer: str) -> str:
	"""The name an anonymized customer keeps: its id, which names nobody."""
	return f"Anonymized {customer}"


def is_anonymized(customer: str) -> bool:
	state = anonymized_state()
	return bool(state) and frappe.db.get_value(CUSTOMER, customer, STATE_FIELD) == state


def anonymized_reason() -> str:
	"""The reason recorded with the anonymizing lifecycle change: it names no personal data."""
	return _("Personal data anonymized")
