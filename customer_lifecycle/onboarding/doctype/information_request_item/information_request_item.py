# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

from frappe.model.document import Document


class InformationRequestItem(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		answer: DF.SmallText | None
		attachment: DF.Attach | None
		description: DF.SmallText | None
		done: DF.Check
		done_by: DF.Link | None
		done_on: DF.Datetime | None
		kind: DF.Literal["Question", "Document"]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		required: DF.Check
		title: DF.Data
	# end: auto-generated types

	pass
