# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

from frappe.model.document import Document


class CustomerLifecycleChange(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		action: DF.Data | None
		automatic: DF.Check
		changed_by: DF.Link | None
		changed_on: DF.Datetime | None
		customer: DF.Link
		from_state: DF.Link | None
		reason: DF.SmallText | None
		seconds_in_from_state: DF.Int
		to_state: DF.Link | None
	# end: auto-generated types

	pass


def on_doctype_update():
	# time in stage and the form timeline read a customer's changes in date order
	import frappe

	frappe.db.add_index("Customer Lifecycle Change", ["customer", "changed_on"], "customer_changed_on")
	# the states each customer reached (Lifecycle Funnel), read without the change rows
	frappe.db.add_index("Customer Lifecycle Change", ["customer", "to_state"], "customer_to_state")
