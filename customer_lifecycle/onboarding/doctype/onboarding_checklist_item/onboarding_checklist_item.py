# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

from frappe.model.document import Document


class OnboardingChecklistItem(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		answer: DF.SmallText | None
		attachment: DF.Attach | None
		customer_provides: DF.Check
		description: DF.SmallText | None
		done: DF.Check
		done_by: DF.Link | None
		done_on: DF.Datetime | None
		due_date: DF.Date | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		reminded_on: DF.Date | None
		required: DF.Check
		responsible_role: DF.Link | None
		responsible_user: DF.Link | None
		title: DF.Data
	# end: auto-generated types

	pass
