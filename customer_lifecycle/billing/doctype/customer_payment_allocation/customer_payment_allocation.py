# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

import frappe
from frappe.model.document import Document


class CustomerPaymentAllocation(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		allocated_amount: DF.Currency
		due_date: DF.Date | None
		invoice: DF.Link
		outstanding_amount: DF.Currency
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
	# end: auto-generated types

	pass


def on_doctype_update():
	# a payment's allocations with what the reports read of them (how late the money came: the
	# invoice's due date against the payment's date), so that joining a million of them to their
	# payments reads no table rows
	frappe.db.add_index(
		"Customer Payment Allocation",
		["parent", "parenttype", "allocated_amount", "due_date"],
		"parent_allocated_due",
	)
	# an invoice's allocations with their payments, for "was it paid late" per invoice (segments,
	# At-Risk Customers) without reading the allocation rows
	frappe.db.add_index("Customer Payment Allocation", ["invoice", "parent"], "invoice_parent")
