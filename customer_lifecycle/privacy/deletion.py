"""Deleting a customer is for records nobody relies on: a customer that other records link to
(invoices, payments, engagements) cannot be deleted, and the error offers Archive instead. The records
that belong to the customer (lifecycle log, notes, flags, onboarding rounds, information requests,
rates) go with it.
"""

import frappe
from frappe import _
from frappe.utils import escape_html

from customer_lifecycle.privacy.records import CASCADE_DOCTYPES, linked_records
from customer_lifecycle.utils.doctypes import CHANGE_LOG, FLAG, NOTE, REQUEST


class CustomerHasRecordsError(frappe.LinkExistsError):
	"""A customer that other records link to cannot be deleted (archive it instead)."""


def check_delete(doc) -> None:
	"""Customer.on_trash (before its contacts go): a customer that other records link to (invoices,
	payments, engagements ...) cannot be deleted; the error offers Archive instead. Otherwise the
	records that belong to it go with it: lifecycle log, notes, flags, information requests and rates
	(onboarding rounds: checklists.on_customer_trash)."""
	linked = linked_records(doc.name)
	blocking = {doctype: names for doctype, names in linked.items() if doctype not in CASCADE_DOCTYPES}
	if blocking:
		throw_has_records(doc, blocking)
	frappe.db.delete(CHANGE_LOG, {"customer": doc.name})
	own = {
		doctype: frappe.get_all(doctype, filters={"customer": doc.name}, pluck="name")
		for doctype in (NOTE, FLAG, REQUEST)
	}
	for doctype, names in {**own, **linked}.items():
		for name in names:
			frappe.delete_doc(doctype, name, ignore_permissions=True, force=True)


def throw_has_records(doc, blocking: dict[str, list[str]]) -> None:
	records = ", ".join(f"{len(names)} {_(doctype)}" for doctype, names in sorted(blocking.items()))
	message = _(
		"{0} cannot be deleted because other records link to it: {1}. They are kept for accounting."
	).format(frappe.bold(escape_html(f"{doc.customer_name} ({doc.name})")), records)
	if doc.archived:
		frappe.throw(
			message + " " + _("It is archived already: it stays out of the default list."),
			CustomerHasRecordsError,
			title=_("Cannot Delete"),
		)
	frappe.throw(
		message + " " + _("Archive it instead: it leaves the default list and keeps all its records."),
		CustomerHasRecordsError,
		title=_("Cannot Delete"),
		primary_action={
			"label": _("Archive"),
			"client_action": "customer_lifecycle.privacy.archive",
			"args": {"customer": doc.name},
		},
	)
