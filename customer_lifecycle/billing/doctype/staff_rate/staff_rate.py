# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

from frappe.model.document import Document

from customer_lifecycle.billing import rates
from customer_lifecycle.billing.currency import default_currency


class StaffRate(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		billing_rate: DF.Currency
		cost_rate: DF.Currency
		currency: DF.Link | None
		full_name: DF.Data | None
		user: DF.Link
	# end: auto-generated types

	def validate(self):
		# a user's rates are in the firm's currency
		self.currency = default_currency()
		rates.check_not_negative(self, "billing_rate", "cost_rate")
