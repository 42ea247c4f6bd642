# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

import frappe
from frappe import _
from frappe.model.document import Document

from customer_lifecycle.billing.currency import default_currency
from customer_lifecycle.service import rules


class ServicePlan(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		currency: DF.Link | None
		days_ahead: DF.Int
		description: DF.SmallText | None
		disabled: DF.Check
		frequency: DF.Literal["Weekly", "Monthly", "Quarterly", "Yearly"]
		plan_name: DF.Data
		price: DF.Currency
		visit_minutes: DF.Int
		visit_time: DF.Literal[
			"06:00",
			"06:30",
			"07:00",
			"07:30",
			"08:00",
			"08:30",
			"09:00",
			"09:30",
			"10:00",
			"10:30",
			"11:00",
			"11:30",
			"12:00",
			"12:30",
			"13:00",
			"13:30",
			"14:00",
			"14:30",
			"15:00",
			"15:30",
			"16:00",
			"16:30",
			"17:00",
			"17:30",
			"18:00",
			"18:30",
			"19:00",
			"19:30",
			"20:00",
		]
		visits_per_period: DF.Int
	# end: auto-generated types

	def validate(self):
		# priced in the firm's currency, as it is when the plan is made
		self.currency = self.currency or default_currency()
		self.check_visits()

	def check_visits(self):
		most = rules.SHORTEST_PERIOD[self.frequency]
		if self.visits_per_period > most:
			frappe.throw(
				_("{0}: at most {1} visits fit in a {2} period, one a day.").format(
					frappe.bold(_(self.meta.get_label("visits_per_period"))), most, _(self.frequency).lower()
				),
				title=_("Too Many Visits"),
			)
