# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime

from customer_lifecycle.onboarding import checklists, items, rules

# set by the app only (the status follows the ticks while the round runs)
APP_FIELDS = (
	"customer",
	"round",
	"template",
	"status",
	"started_on",
	"completed_on",
	"ended_on",
	"auto_move_error",
)
APP_ITEM_FIELDS = (*checklists.ITEM_FIELDS, "reminded_on")


class OnboardingChecklist(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from customer_lifecycle.onboarding.doctype.onboarding_checklist_item.onboarding_checklist_item import (
			OnboardingChecklistItem,
		)

		auto_move_error: DF.SmallText | None
		completed_on: DF.Datetime | None
		customer: DF.Link
		customer_name: DF.Data | None
		ended_on: DF.Datetime | None
		items: DF.Table[OnboardingChecklistItem]
		progress: DF.Percent
		round: DF.Int
		started_on: DF.Datetime | None
		status: DF.Literal["In Progress", "Completed", "Closed"]
		template: DF.Link | None
	# end: auto-generated types

	def validate(self):
		self.keep_app_fields()
		# who ticked or provided each item and when
		items.stamp(self)
		self.set_progress_and_status()

	def on_update(self):
		if self.flags.just_completed:
			checklists.complete_round(self)

	def keep_app_fields(self):
		"""A save (the form, REST) changes ticks, answers and due dates only: the round, its dates
		and each item's definition (copied from the template) stay as the app set them."""
		items.keep(
			self,
			APP_FIELDS,
			APP_ITEM_FIELDS,
			fixed_items=_(
				"{0}: the items of an onboarding checklist come from its template; they cannot be added or removed."
			).format(frappe.bold(_(self.meta.get_label("items")))),
		)

	def set_progress_and_status(self):
		"""Progress always follows the ticks; the status only while the round runs (an ended round
		keeps the status it ended with, and unticking never moves the customer back)."""
		self.progress = rules.progress(self.items)
		if self.ended_on:
			return
		status = rules.open_round_status(self.items)
		if status == rules.COMPLETED and self.status != rules.COMPLETED:
			self.completed_on = now_datetime()
			self.flags.just_completed = True
		elif status != rules.COMPLETED:
			self.completed_on = self.auto_move_error = None
		self.status = status


def on_doctype_update():
	# one checklist per customer per onboarding round, whatever saves race
	frappe.db.add_unique(
		"Onboarding Checklist", ["customer", "round"], constraint_name="unique_customer_round"
	)
