"""Customer flags: something everyone working with a customer should know, raised with a reason and a
severity and later resolved with a note. Resolved flags stay as the customer's flag history.

The customer keeps `active_flag` (the reason of its most severe active flag) and `flag_severity`
current, so the customer list shows and filters flags without reading Customer Flag. Only this
module writes those two fields; a customer form saved while a flag changed keeps the stored values.
"""

import frappe

from customer_lifecycle.utils.doctypes import CUSTOMER, FLAG

ACTIVE = "Active"
RESOLVED = "Resolved"
# least to most severe, as Customer Flag's severity options
SEVERITIES = ("Low", "Medium", "High")
# the customer's fields that show its most severe active flag
CUSTOMER_FIELDS = ("active_flag", "flag_severity")
FLAG_FIELDS = ("name", "reason", "severity", "raised_by", "raised_on")


def severity_rank(severity: str | None) -> int:
	return SEVERITIES.index(severity) if severity in SEVERITIES else -1


def by_severity(flags: list[dict]) -> list[dict]:
	"""Active flags, most severe first; among equals the most recently raised first."""
	newest_first = sorted(flags, key=lambda f: str(f.get("raised_on") or ""), reverse=True)
	return sorted(newest_first, key=lambda f: severity_rank(f.get("severity")), reverse=True)


def headline(flags: list[dict]) -> dict:
	"""The customer's `active_flag` and `flag_severity` for these active flags (empty for none)."""
	top = by_severity(flags)[0] if flags else {}
	return {"active_flag": top.get("reason"), "flag_severity": top.get("severity")}


def active_flags(customer: str, for_update: bool = False) -> list[dict]:
	"""A customer's active flags, most severe first (no permission check: callers check)."""
	flag = frappe.qb.DocType(FLAG)
	query = (
		frappe.qb.from_(flag)
		.select(*FLAG_FIELDS)
		.where((flag.customer == customer) & (flag.status == ACTIVE))
	)
	if for_update:
		query = query.for_update()
	return by_severity(query.run(as_dict=True))


def refresh_customer(customer: str) -> None:
	"""Set the customer's flag fields from its active flags.

	The customer's row is locked first and the flags read with a locking read, so two flags
	changed at once on one customer leave it showing both.
	"""
	current = frappe.db.get_value(CUSTOMER, customer, list(CUSTOMER_FIELDS), as_dict=True, for_update=True)
	if not current:
		return
	values = headline(active_flags(customer, for_update=True))
	if any((current.get(f) or None) != values[f] for f in CUSTOMER_FIELDS):
		# not a customer edit: no new modified time, no Version (the flag has its own history)
		frappe.db.set_value(CUSTOMER, customer, values, update_modified=False)


def keep_customer_fields(doc, method=None) -> None:
	"""Customer.validate: the flag fields are never taken from the saved form or an import.

	A form opened before a flag was raised still holds the old values; saving it must not undo
	the flag. A new customer has no flags yet.
	"""
	before = None if doc.is_new() else doc.get_doc_before_save()
	for fieldname in CUSTOMER_FIELDS:
		if before:
			doc.set(fieldname, before.get(fieldname))
		elif doc.get(fieldname):
			doc.set(fieldname, None)
