# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

from frappe.model.document import Document

from customer_lifecycle.billing import engagements, gate


class Engagement(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer: DF.Link
		customer_name: DF.Data | None
		delivered_on: DF.Date | None
		description: DF.TextEditor | None
		due_date: DF.Date | None
		naming_series: DF.Literal["ENG-.YYYY.-.#####"]
		status: DF.Literal["Open", "In Progress", "On Hold", "Delivered", "Cancelled"]
		status_before_delivery: DF.Data | None
		title: DF.Data
	# end: auto-generated types

	def validate(self):
		if self.is_new():
			gate.check_billable(self.customer, self.doctype)
		engagements.on_status_change(self)
