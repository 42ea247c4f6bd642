# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

from frappe.model.document import Document

from customer_lifecycle.service import job, subscriptions


class ServiceSubscription(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		assigned_to: DF.Link | None
		customer: DF.Link
		customer_name: DF.Data | None
		end_date: DF.Date | None
		naming_series: DF.Literal["SVC-.YYYY.-.#####"]
		next_invoice_date: DF.Date | None
		next_visit_date: DF.Date | None
		plan: DF.Link
		site_address: DF.Link
		start_date: DF.Date
		status: DF.Literal["Active", "On Hold", "Ended"]
		status_reason: DF.SmallText | None
		visit_anchor: DF.Date | None
		visits_made_until: DF.Date | None
	# end: auto-generated types

	def validate(self):
		subscriptions.check_plan(self)
		subscriptions.check_site_address(self)
		subscriptions.set_assignee(self)
		subscriptions.check_dates(self)
		subscriptions.set_status(self)

	def on_update(self):
		# its visits, made now (the cancelled ones again where what they show changed)
		job.after_save(self)
