# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt

from customer_lifecycle.billing import figures, payments, receipts, retainers
from customer_lifecycle.billing.currency import customer_currency


class CustomerPayment(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from customer_lifecycle.billing.doctype.customer_payment_allocation.customer_payment_allocation import (
			CustomerPaymentAllocation,
		)

		allocate_oldest_first: DF.Check
		allocated_amount: DF.Currency
		allocations: DF.Table[CustomerPaymentAllocation]
		amended_from: DF.Link | None
		amount: DF.Currency
		customer: DF.Link
		customer_name: DF.Data | None
		method: DF.Literal["Cash", "Bank Transfer", "Card", "Mobile Money", "Other"]
		naming_series: DF.Literal["CPAY-.YYYY.-.#####"]
		notes: DF.SmallText | None
		posting_date: DF.Date
		reference: DF.Data | None
		unallocated_amount: DF.Currency
	# end: auto-generated types

	def validate(self):
		self.check_amount()
		self.currency = customer_currency(self.customer)
		if self.docstatus == 0:
			payments.preview(self)

	def before_submit(self):
		payments.settle(self)

	def on_submit(self):
		payments.apply(self, -1)
		figures.payment_submitted(self)
		if self.is_retainer_deposit:
			retainers.check_threshold(self.customer)
		receipts.send_after_commit(self)

	def before_cancel(self):
		retainers.check_deposit_cancel(self)

	def on_cancel(self):
		payments.apply(self, +1)
		figures.payment_cancelled(self)
		if self.is_retainer_deposit:
			retainers.check_threshold(self.customer)

	def on_trash(self):
		if self.docstatus != 0:
			frappe.throw(
				_("A submitted or cancelled payment is kept for the record."), frappe.PermissionError
			)

	def check_amount(self):
		if flt(self.amount) <= 0:
			frappe.throw(
				_("{0} must be more than 0.").format(frappe.bold(_("Amount"))), title=_("Invalid Amount")
			)


def on_doctype_update():
	# a customer's submitted payments by date, covering what the reports and jobs read of them: amounts,
	# allocation and method (analytics), when each was recorded (last activity); the payment's name,
	# the primary key, comes with every entry for the join to its allocations
	frappe.db.add_index(
		"Customer Payment",
		[
			"customer",
			"docstatus",
			"posting_date",
			"amount",
			"allocated_amount",
			"unallocated_amount",
			"method",
			"creation",
		],
		"customer_docstatus_posting_amounts",
	)
	# the amount alone, which it replaces
	if frappe.db.has_index("tabCustomer Payment", "customer_docstatus_posting_amount"):
		frappe.db.sql_ddl("alter table `tabCustomer Payment` drop index `customer_docstatus_posting_amount`")
