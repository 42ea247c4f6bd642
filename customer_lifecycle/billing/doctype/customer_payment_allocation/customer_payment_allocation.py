# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

from frappe.model.document import Document


class CustomerPaymentAllocation(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		allocated_amount: DF.Currency
		due_date: DF.Date | None
		invoice: DF.Link
		outstanding_amount: DF.Currency
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
	# end: auto-generated types

	pass
