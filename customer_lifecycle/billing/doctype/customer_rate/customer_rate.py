# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

import frappe
from frappe import _
from frappe.model.document import Document

from customer_lifecycle.billing import rates
from customer_lifecycle.billing.currency import customer_currency, default_currency


class CustomerRate(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		currency: DF.Link | None
		customer: DF.Link | None
		customer_category: DF.Link | None
		description: DF.SmallText | None
		item_code: DF.Data
		rate: DF.Currency
	# end: auto-generated types

	def validate(self):
		self.item_code = (self.item_code or "").strip()
		self.check_target()
		self.check_unique()
		rates.check_not_negative(self, "rate")
		# a customer's rate is in its currency: the site's default currency, which Frappe puts in every
		# new Currency link, would otherwise stay (fetch_if_empty); a category's is the firm's unless set
		self.currency = (
			customer_currency(self.customer) if self.customer else self.currency or default_currency()
		)

	def check_target(self):
		# a rate is for one customer or for one category, never both or neither
		if bool(self.customer) == bool(self.customer_category):
			frappe.throw(
				_("Set either {0} or {1}.").format(
					frappe.bold(_("Customer")), frappe.bold(_("Customer Category"))
				),
				title=_("Customer or Category"),
			)

	def check_unique(self):
		filters = {
			"item_code": self.item_code,
			"customer": self.customer or ("is", "not set"),
			"customer_category": self.customer_category or ("is", "not set"),
			"name": ("!=", self.name),
		}
		other = frappe.db.exists("Customer Rate", filters)
		if other:
			frappe.throw(
				_("{0} already has a rate for {1}: {2}.").format(
					frappe.bold(self.customer or self.customer_category), frappe.bold(self.item_code), other
				),
				frappe.DuplicateEntryError,
				title=_("Duplicate Rate"),
			)
