# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime

from customer_lifecycle.customers import flags
from customer_lifecycle.utils.normalize import normalize_text


class CustomerFlag(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer: DF.Link
		raised_by: DF.Link | None
		raised_on: DF.Datetime | None
		reason: DF.Data
		resolution_note: DF.SmallText | None
		resolved_by: DF.Link | None
		resolved_on: DF.Datetime | None
		severity: DF.Literal["Low", "Medium", "High"]
		status: DF.Literal["Active", "Resolved"]
	# end: auto-generated types

	def validate(self):
		self.clean_reason()
		self.set_raised()
		self.set_resolved()

	def on_update(self):
		flags.refresh_customer(self.customer)

	def after_delete(self):
		flags.refresh_customer(self.customer)

	def clean_reason(self):
		self.reason = normalize_text(self.reason)
		if not self.reason:
			self.throw_mandatory("reason")

	def set_raised(self):
		# who raised the flag and when are the server's to say, never the client's
		before = self.get_doc_before_save()
		self.raised_by = before.raised_by if before else frappe.session.user
		self.raised_on = before.raised_on if before else now_datetime()

	def set_resolved(self):
		before = self.get_doc_before_save()
		was_resolved = bool(before) and before.status == flags.RESOLVED
		if was_resolved and self.status != flags.RESOLVED:
			frappe.throw(
				_("A resolved flag stays resolved: raise a new flag instead."),
				frappe.ValidationError,
				title=_("Flag Resolved"),
			)
		if self.status != flags.RESOLVED:
			self.resolved_by = self.resolved_on = None
			return
		self.resolution_note = (self.resolution_note or "").strip()
		if not self.resolution_note:
			self.throw_mandatory("resolution_note", _("Say how the flag was resolved."))
		self.resolved_by = before.resolved_by if was_resolved else frappe.session.user
		self.resolved_on = before.resolved_on if was_resolved else now_datetime()

	def throw_mandatory(self, fieldname: str, hint: str = ""):
		frappe.throw(
			" ".join(
				[_("{0} is required.").format(frappe.bold(_(self.meta.get_label(fieldname)))), hint]
			).strip(),
			frappe.MandatoryError,
			title=_("Missing {0}").format(_(self.meta.get_label(fieldname))),
		)


def on_doctype_update():
	# a customer's active flags, read on every flag change and by the customer form
	frappe.db.add_index("Customer Flag", ["customer", "status"], "customer_status")
