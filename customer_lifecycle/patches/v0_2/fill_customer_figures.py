"""Customers carry their currency and their money figures (billing/currency.py, billing/figures.py)
since this version: on a site made before, the firm's currency is set, every customer, invoice,
payment and rate without a currency is given it, and the figures are filled in from the invoices and
payments the site has."""

import frappe

from customer_lifecycle.billing.currency import default_currency, ensure_site_currency
from customer_lifecycle.billing.figures import write_all
from customer_lifecycle.utils.doctypes import CUSTOMER, INVOICE, PAYMENT, RATE


def execute():
	ensure_site_currency()
	currency = default_currency()
	if currency:
		for doctype in (CUSTOMER, INVOICE, PAYMENT, RATE):
			frappe.db.set_value(
				doctype, {"currency": ("is", "not set")}, "currency", currency, update_modified=False
			)
	write_all()
