# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

from frappe.model.document import Document


class InformationRequestReminder(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		days_from_due: DF.Int
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		sent_on: DF.Datetime | None
		sent_to: DF.Data | None
	# end: auto-generated types

	pass
