"""Flags and notes on the customer form: raise and resolve flags; list, add, edit, pin and delete notes.

Every method checks permission first: the customer's for what is read or pinned on its form, and
the note's or flag's own (through Frappe's save and delete, so the Customer Note `has_permission`
hook applies) for what changes them.
"""

import frappe
from frappe.utils import cint, get_fullname, sbool

from customer_lifecycle.customers import flags
from customer_lifecycle.customers.notes import may_change
from customer_lifecycle.utils.doctypes import CUSTOMER, FLAG, NOTE

NOTE_FIELDS = (
	"name",
	"customer",
	"content",
	"visibility",
	"pinned",
	"communication",
	"owner",
	"creation",
	"modified",
)
MAX_PAGE_LENGTH = 100


@frappe.whitelist(methods=["GET"])
def get_active_flags(customer: str) -> list[dict]:
	"""A customer's active flags, most severe first."""
	frappe.has_permission(CUSTOMER, "read", customer, throw=True)
	frappe.has_permission(FLAG, "read", throw=True)
	return [dict(f, raised_by_name=get_fullname(f.raised_by)) for f in flags.active_flags(customer)]


@frappe.whitelist(methods=["POST"])
def raise_flag(customer: str, reason: str, severity: str = "Medium") -> dict:
	"""Raise a flag on a customer; returns the customer's flag fields as they are now."""
	frappe.has_permission(CUSTOMER, "read", customer, throw=True)
	frappe.get_doc({"doctype": FLAG, "customer": customer, "reason": reason, "severity": severity}).insert()
	return customer_flag_fields(customer)


@frappe.whitelist(methods=["POST"])
def resolve_flag(flag: str, note: str) -> dict:
	"""Resolve a flag with a note saying how; returns the customer's flag fields as they are now."""
	doc = frappe.get_doc(FLAG, flag)
	doc.check_permission("write")
	doc.status = flags.RESOLVED
	doc.resolution_note = note
	doc.save()
	return customer_flag_fields(doc.customer)


def customer_flag_fields(customer: str) -> dict:
	return frappe.db.get_value(CUSTOMER, customer, list(flags.CUSTOMER_FIELDS), as_dict=True)


@frappe.whitelist(methods=["GET"])
def get_notes(customer: str, start: int = 0, page_length: int = 20) -> dict:
	"""One page of a customer's notes, pinned first, then newest first:
	{notes, has_more, can_add, can_pin}.

	Each note says whether the current user may edit and delete it, so the form offers only that.
	"""
	frappe.has_permission(CUSTOMER, "read", customer, throw=True)
	page_length = min(max(cint(page_length), 1), MAX_PAGE_LENGTH)
	rows = frappe.get_list(
		NOTE,
		filters={"customer": customer},
		fields=list(NOTE_FIELDS),
		order_by="pinned desc, creation desc",
		start=max(cint(start), 0),
		page_length=page_length + 1,
	)
	user, roles = frappe.session.user, frappe.get_roles()
	may_write = frappe.has_permission(NOTE, "write")
	may_delete = frappe.has_permission(NOTE, "delete")
	notes = [
		dict(
			row,
			author=get_fullname(row.owner),
			edited=row.modified > row.creation,
			can_edit=may_write and may_change(row.owner, user, roles),
			can_delete=may_delete and may_change(row.owner, user, roles),
		)
		for row in rows[:page_length]
	]
	return {
		"notes": notes,
		"has_more": len(rows) > page_length,
		"can_add": frappe.has_permission(NOTE, "create"),
		"can_pin": frappe.has_permission(CUSTOMER, "write", customer),
	}


@frappe.whitelist(methods=["POST"])
def add_note(customer: str, content: str, visibility: str = "Internal") -> str:
	"""Add a note to a customer; returns its name."""
	frappe.has_permission(CUSTOMER, "read", customer, throw=True)
	doc = frappe.get_doc(
		{"doctype": NOTE, "customer": customer, "content": content, "visibility": visibility}
	)
	return doc.insert().name


@frappe.whitelist(methods=["POST"])
def edit_note(note: str, content: str, visibility: str | None = None) -> str:
	"""Change a note's text (and visibility); the change is kept as a Version."""
	doc = frappe.get_doc(NOTE, note)
	doc.content = content
	if visibility:
		doc.visibility = visibility
	doc.save()
	return doc.name


@frappe.whitelist(methods=["POST"])
def delete_note(note: str) -> None:
	"""Delete a note: its author or a Customer Manager only."""
	frappe.delete_doc(NOTE, note)


@frappe.whitelist(methods=["POST"])
def pin_note(note: str, pinned: bool) -> None:
	"""Pin a note to the top of its customer's notes, or unpin it.

	Pinning arranges the customer's notes rather than editing one, so whoever may edit the
	customer may pin any of its notes; it is not an edit (no Version, no new modified time).
	"""
	customer = frappe.db.get_value(NOTE, note, "customer")
	if not customer:
		# thrown, not raised: a raised exception reaches the caller without its message
		frappe.throw(
			frappe._("{0} {1} not found").format(frappe._(NOTE), frappe.bold(note)), frappe.DoesNotExistError
		)
	frappe.has_permission(NOTE, "read", note, throw=True)
	frappe.has_permission(CUSTOMER, "write", customer, throw=True)
	frappe.db.set_value(NOTE, note, "pinned", 1 if sbool(pinned) else 0, update_modified=False)
