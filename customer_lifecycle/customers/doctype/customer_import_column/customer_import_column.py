# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

from frappe.model.document import Document


class CustomerImportColumn(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		column: DF.Data | None
		field: DF.Literal[
			"",
			"Customer Name",
			"First Name",
			"Last Name",
			"Customer Type",
			"Company (flag or company name)",
			"Customer Category",
			"Email",
			"Phone",
			"Mobile (when Phone is empty)",
			"ID Number",
			"Notes",
			"Lifecycle Stage (kept in a note)",
			"Address Line 1",
			"Address Line 2",
			"City/Town",
			"County/State",
			"Postal Code",
			"Country",
		]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		sample: DF.Data | None
	# end: auto-generated types
	pass
