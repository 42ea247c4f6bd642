# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

from frappe.model.document import Document


class CustomerCompletenessRule(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		fieldname: DF.Data
		label: DF.Data | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		weight: DF.Float
	# end: auto-generated types
	pass
