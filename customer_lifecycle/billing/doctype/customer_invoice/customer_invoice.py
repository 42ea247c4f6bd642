# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate

from customer_lifecycle.billing import figures, gate, invoices, rates, retainers, terms, time_invoicing
from customer_lifecycle.billing.currency import customer_currency
from customer_lifecycle.billing.rules import money


class CustomerInvoice(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from customer_lifecycle.billing.doctype.customer_invoice_item.customer_invoice_item import (
			CustomerInvoiceItem,
		)

		amended_from: DF.Link | None
		currency: DF.Link | None
		customer: DF.Link
		customer_name: DF.Data | None
		draw_from_retainer: DF.Check
		due_date: DF.Date | None
		engagement: DF.Link | None
		invoice_notes: DF.SmallText | None
		items: DF.Table[CustomerInvoiceItem]
		naming_series: DF.Literal["CINV-.YYYY.-.#####"]
		notes: DF.SmallText | None
		outstanding_amount: DF.Currency
		posting_date: DF.Date
		retainer_drawn: DF.Currency
		service_period_end: DF.Date | None
		service_period_start: DF.Date | None
		service_subscription: DF.Link | None
		status: DF.Literal["Draft", "Unpaid", "Partly Paid", "Paid", "Overdue", "Cancelled"]
		total: DF.Currency
	# end: auto-generated types

	def validate(self):
		if self.is_new():
			gate.check_billable(self.customer, self.doctype)
		self.currency = customer_currency(self.customer)
		self.check_engagement()
		self.check_dates()
		rates.fill_rates(self)
		invoices.set_amounts(self)
		self.status = invoices.status_of(self)

	def before_submit(self):
		# the customer may have left the billable states since the draft was made
		gate.check_billable(self.customer, self.doctype)
		invoices.check_total(self)
		# the customer's row lock first, as every money change of the customer takes it
		retainers.draw(self)
		self.outstanding_amount = float(money(self.total) - money(self.retainer_drawn))
		self.status = invoices.status_of(self)

	def on_submit(self):
		figures.invoice_submitted(self)
		if self.retainer_drawn:
			retainers.check_threshold(self.customer)

	def before_cancel(self):
		# Frappe refuses the cancel while a submitted payment is allocated to the invoice
		retainers.lock_customer(self.customer)
		self.flags.outstanding_before_cancel = self.outstanding_amount
		self.outstanding_amount = 0
		self.status = invoices.status_of(self)

	def on_cancel(self):
		figures.invoice_cancelled(self, self.flags.outstanding_before_cancel)
		# the time it billed can be invoiced again
		time_invoicing.free(self)

	def on_trash(self):
		if self.docstatus != 0:
			frappe.throw(
				_("A submitted or cancelled invoice is kept for the record."), frappe.PermissionError
			)
		time_invoicing.free(self)

	def check_engagement(self):
		if (
			self.engagement
			and frappe.db.get_value("Engagement", self.engagement, "customer") != self.customer
		):
			frappe.throw(
				_("{0} {1} belongs to another customer.").format(
					_("Engagement"), frappe.bold(self.engagement)
				),
				title=_("Wrong Engagement"),
			)

	def check_dates(self):
		# by the customer's payment terms (its own, its category's, or 30 days)
		self.due_date = self.due_date or terms.due_date_for(self.customer, self.posting_date)
		if getdate(self.due_date) < getdate(self.posting_date):
			frappe.throw(
				_("{0} cannot be before {1}.").format(
					frappe.bold(_("Due Date")), frappe.bold(_("Invoice Date"))
				),
				title=_("Invalid Due Date"),
			)


def on_doctype_update():
	# a customer's submitted invoices by date, covering what the reports and jobs read of them: totals,
	# what is owed and when it was due (analytics, segments), when each was recorded (last activity)
	frappe.db.add_index(
		"Customer Invoice",
		["customer", "docstatus", "posting_date", "total", "outstanding_amount", "due_date", "creation"],
		"customer_docstatus_posting_totals_creation",
	)
	# a service plan's period is invoiced once (the daily job reads these keys, the index holds them)
	frappe.db.add_unique(
		"Customer Invoice", ["service_subscription", "service_period_start"], "service_subscription_period"
	)
	frappe.db.add_index("Customer Invoice", ["service_period_start"], "service_period_start")
	# the same without creation, which it replaces
	if frappe.db.has_index("tabCustomer Invoice", "customer_docstatus_posting_totals"):
		frappe.db.sql_ddl("alter table `tabCustomer Invoice` drop index `customer_docstatus_posting_totals`")
