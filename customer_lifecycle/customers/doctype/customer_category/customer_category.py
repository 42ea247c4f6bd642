# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

from frappe.model.document import Document


class CustomerCategory(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		category_name: DF.Data
		description: DF.SmallText | None
	# end: auto-generated types

	pass
