# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

from frappe.model.document import Document

from customer_lifecycle.billing import rates
from customer_lifecycle.billing.currency import default_currency


class BillingActivity(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		activity_name: DF.Data
		currency: DF.Link | None
		default_rate: DF.Currency
		description: DF.SmallText | None
		disabled: DF.Check
	# end: auto-generated types

	def validate(self):
		# its default rate is in the firm's currency
		self.currency = default_currency()
		rates.check_not_negative(self, "default_rate")
