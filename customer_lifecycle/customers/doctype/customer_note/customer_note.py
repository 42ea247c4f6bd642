# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import strip_html

from customer_lifecycle.customers import notes


class CustomerNote(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		communication: DF.Link | None
		content: DF.TextEditor
		customer: DF.Link
		pinned: DF.Check
		visibility: DF.Literal["Internal", "Customer-visible"]
	# end: auto-generated types

	def onload(self):
		# the form: read-only for people who may not change this note (hooks.py has_permission)
		user = frappe.session.user
		self.set_onload("can_change", notes.may_change(self.owner, user, frappe.get_roles(user)))

	def validate(self):
		self.check_content()
		self.keep_communication()

	def check_content(self):
		# the editor leaves markup such as <p><br></p> when it is cleared
		if not strip_html(self.content or "").replace("&nbsp;", " ").strip():
			label = _(self.meta.get_label("content"))
			frappe.throw(
				_("{0} is required.").format(frappe.bold(label)),
				frappe.MandatoryError,
				title=_("Missing {0}").format(label),
			)

	def keep_communication(self):
		# only the email log links a note to an email, and the link never changes
		if self.is_new():
			if not self.flags.from_communication:
				self.communication = None
		else:
			self.communication = self.get_doc_before_save().communication


def on_doctype_update():
	# the form's notes list: one customer's notes, pinned first, newest first
	frappe.db.add_index("Customer Note", ["customer", "pinned", "creation"], "customer_pinned_creation")
