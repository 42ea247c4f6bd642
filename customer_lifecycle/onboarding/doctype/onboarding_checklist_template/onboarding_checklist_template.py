# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

import frappe
from frappe import _
from frappe.model.document import Document


class OnboardingChecklistTemplate(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from customer_lifecycle.onboarding.doctype.onboarding_checklist_template_item.onboarding_checklist_template_item import (
			OnboardingChecklistTemplateItem,
		)

		customer_category: DF.Link | None
		customer_type: DF.Literal["", "Individual", "Company", "Trust"]
		description: DF.SmallText | None
		enabled: DF.Check
		is_default: DF.Check
		items: DF.Table[OnboardingChecklistTemplateItem]
		template_name: DF.Data
	# end: auto-generated types

	def validate(self):
		self.validate_match()
		self.validate_no_clash()

	def on_update(self):
		self.unset_other_defaults()

	def label(self, fieldname: str) -> str:
		return frappe.bold(_(self.meta.get_label(fieldname)))

	def validate_match(self):
		"""The default applies to everyone; any other template says whom it is for."""
		if self.is_default and (self.customer_type or self.customer_category):
			frappe.throw(
				_("{0}: the default template applies to every customer; leave {1} and {2} empty.").format(
					self.label("is_default"), self.label("customer_type"), self.label("customer_category")
				)
			)
		if not self.is_default and not (self.customer_type or self.customer_category):
			frappe.throw(
				_("Choose a {0} or a {1} this template is for, or make it the {2}.").format(
					self.label("customer_type"), self.label("customer_category"), self.label("is_default")
				),
				frappe.MandatoryError,
			)

	def validate_no_clash(self):
		"""Two enabled templates for the same customers would make the choice arbitrary."""
		if not self.enabled or self.is_default:
			return
		clash = frappe.db.get_value(
			self.doctype,
			{
				"name": ("!=", self.name),
				"enabled": 1,
				"customer_type": self.customer_type or ("is", "not set"),
				"customer_category": self.customer_category or ("is", "not set"),
			},
			"name",
		)
		if clash:
			frappe.throw(
				_("{0} and {1}: the enabled template {2} is already for these customers.").format(
					self.label("customer_type"), self.label("customer_category"), frappe.bold(clash)
				),
				frappe.DuplicateEntryError,
			)

	def unset_other_defaults(self):
		if self.is_default:
			frappe.db.set_value(self.doctype, {"is_default": 1, "name": ("!=", self.name)}, "is_default", 0)
