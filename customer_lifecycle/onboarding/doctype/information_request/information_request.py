# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import escape_html, getdate, now_datetime, nowdate

from customer_lifecycle.onboarding import items, requests, rules
from customer_lifecycle.utils.doctypes import CUSTOMER

# set by the app only: the status follows the items, sending and reminders record themselves
APP_FIELDS = ("status", "progress", "sent_on", "sent_by", "completed_on", "reminders")
# once sent, whom it asks and what stays as it was sent
SENT_FIELDS = ("customer", "customer_name", "contact")
SENT_ITEM_FIELDS = ("title", "kind", "required", "description")


class InformationRequest(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from customer_lifecycle.onboarding.doctype.information_request_item.information_request_item import (
			InformationRequestItem,
		)
		from customer_lifecycle.onboarding.doctype.information_request_reminder.information_request_reminder import (
			InformationRequestReminder,
		)

		completed_on: DF.Datetime | None
		contact: DF.Link | None
		contact_email: DF.Data | None
		customer: DF.Link
		customer_name: DF.Data | None
		due_date: DF.Date
		items: DF.Table[InformationRequestItem]
		message: DF.SmallText | None
		progress: DF.Percent
		reminders: DF.Table[InformationRequestReminder]
		sent_by: DF.Link | None
		sent_on: DF.Datetime | None
		status: DF.Literal["Draft", "Sent", "Partly Answered", "Complete", "Overdue"]
		title: DF.Data
	# end: auto-generated types

	def validate(self):
		self.keep_app_fields()
		self.set_contact()
		# who provided each item and when
		items.stamp(self)
		self.set_progress_and_status()

	def on_update(self):
		if self.flags.just_completed:
			requests.on_complete(self)

	def label(self, fieldname: str) -> str:
		return frappe.bold(_(self.meta.get_label(fieldname)))

	def keep_app_fields(self):
		"""A save (the form, REST, an import) changes the request's content, never what the app
		records: a new request is a draft, sending is `requests.send`. Once sent, the customer and
		contact asked and the items' definitions stay, and no item is added or removed."""
		if self.flags.app_change:
			return
		before = self.get_doc_before_save()
		if not before:
			self.sent_on = self.sent_by = self.completed_on = None
			self.set("reminders", [])
			return
		sent = bool(before.sent_on)
		items.keep(
			self,
			APP_FIELDS + (SENT_FIELDS if sent else ()),
			SENT_ITEM_FIELDS if sent else (),
			fixed_items=_(
				"{0}: the request was sent with these items; they cannot be added or removed."
			).format(self.label("items"))
			if sent
			else None,
		)

	def set_contact(self):
		"""The contact asked: one of the customer's (its primary contact when none is chosen); the
		email goes to the contact's address as it is now."""
		if not self.contact:
			self.contact = frappe.db.get_value(CUSTOMER, self.customer, "primary_contact")
		if not self.contact:
			frappe.throw(
				_("{0}: choose the contact to ask. {1} has no contacts yet; add one first.").format(
					self.label("contact"), frappe.bold(escape_html(self.customer_name or self.customer))
				),
				frappe.MandatoryError,
			)
		linked = frappe.db.exists(
			"Dynamic Link",
			{
				"parenttype": "Contact",
				"parent": self.contact,
				"link_doctype": CUSTOMER,
				"link_name": self.customer,
			},
		)
		if not linked:
			frappe.throw(
				_("{0}: {1} is not one of the contacts of {2}.").format(
					self.label("contact"),
					frappe.bold(escape_html(self.contact)),
					frappe.bold(escape_html(self.customer_name or self.customer)),
				),
				frappe.ValidationError,
			)
		self.contact_email = frappe.db.get_value("Contact", self.contact, "email_id") or None

	def set_progress_and_status(self):
		"""Progress and status follow the items, the due date and whether the request was sent."""
		self.progress = rules.progress(self.items)
		status = rules.request_status(
			bool(self.sent_on),
			self.items,
			getdate(self.due_date) if self.due_date else None,
			getdate(nowdate()),
		)
		if status == rules.COMPLETE and self.status != rules.COMPLETE:
			self.completed_on = now_datetime()
			self.flags.just_completed = True
		elif status != rules.COMPLETE:
			self.completed_on = None
		self.status = status
