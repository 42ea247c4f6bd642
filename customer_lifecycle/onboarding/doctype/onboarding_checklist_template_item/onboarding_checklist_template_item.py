# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

from frappe.model.document import Document


class OnboardingChecklistTemplateItem(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer_provides: DF.Check
		description: DF.SmallText | None
		due_in_days: DF.Int
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		required: DF.Check
		responsible_role: DF.Link | None
		responsible_user: DF.Link | None
		title: DF.Data
	# end: auto-generated types

	pass
