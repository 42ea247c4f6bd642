# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

import frappe
from frappe.model.document import Document

from customer_lifecycle.billing import time_entries


class TimeEntry(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		activity: DF.Link
		amount: DF.Currency
		billable: DF.Check
		currency: DF.Link | None
		customer: DF.Link | None
		customer_name: DF.Data | None
		date: DF.Date
		description: DF.SmallText | None
		engagement: DF.Link
		engagement_title: DF.Data | None
		hours: DF.Float
		invoice: DF.Link | None
		naming_series: DF.Literal["TIME-.YYYY.-.#####"]
		rate: DF.Currency
		rate_source: DF.Data | None
		timer_started_at: DF.Datetime | None
		user: DF.Link
	# end: auto-generated types

	def check_if_latest(self):
		# Frappe reads the entry's row here with a lock; the user's row is locked before it
		time_entries.lock_user(self)
		super().check_if_latest()

	def validate(self):
		time_entries.check_not_billed(self)
		time_entries.set_engagement(self)
		time_entries.check_timer(self)
		time_entries.check_hours(self)
		time_entries.check_billable(self)
		time_entries.check_day(self)
		time_entries.set_value(self)

	def on_trash(self):
		time_entries.check_not_billed(self)


def on_doctype_update():
	# a user's hours of a day (the 24-hour check)
	frappe.db.add_index("Time Entry", ["user", "date"], "user_date")
	# a customer's time by date, covering what the Customer Profitability report sums per customer: a
	# GROUP BY customer that streams along it, with no table rows and no temporary table
	frappe.db.add_index(
		"Time Entry",
		["customer", "date", "billable", "user", "hours", "amount", "invoice"],
		"customer_date_time_value",
	)
