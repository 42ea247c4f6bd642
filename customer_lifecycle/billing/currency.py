"""The currency of a customer's money: its own, or the firm's (Customer Lifecycle Settings), which by
default is the currency of the site's country (Frappe's country data). A Frappe site without ERPNext
has no default currency, and the desk would fall back to the first enabled one: install makes the
firm's currency the site's default too, when there is none.

Every Currency field of the app names the currency field of its record (an invoice's, a payment's
and a rate's follow their customer), so the desk, lists, reports, print formats and the portal show
the right symbol; reports never add amounts of different currencies (they filter by one)."""

import frappe
from frappe import _
from frappe.geo.country_info import get_country_info

from customer_lifecycle.utils.doctypes import CUSTOMER, INVOICE, PAYMENT, SETTINGS


def country_currency(country: str | None) -> str | None:
	"""The currency Frappe's country data gives a country."""
	return (get_country_info(country) or {}).get("currency") if country else None


def default_currency() -> str | None:
	"""The firm's currency: the settings', else the site's default, else its country's."""
	return (
		frappe.db.get_single_value(SETTINGS, "currency")
		or frappe.db.get_default("currency")
		or country_currency(frappe.get_system_settings("country"))
	)


def customer_currency(customer: str | None) -> str | None:
	return (frappe.db.get_value(CUSTOMER, customer, "currency") if customer else None) or default_currency()


def ensure_site_currency() -> None:
	"""Install and setup-wizard step: the settings name a currency (the country's, when not set),
	and the site has a default currency (the settings', when it has none)."""
	currency = frappe.db.get_single_value(SETTINGS, "currency") or country_currency(
		frappe.get_system_settings("country")
	)
	if not currency:
		return
	if not frappe.db.get_single_value(SETTINGS, "currency"):
		frappe.db.set_single_value(SETTINGS, "currency", currency)
	if frappe.db.exists("Currency", currency) and not frappe.db.get_value("Currency", currency, "enabled"):
		frappe.db.set_value("Currency", currency, "enabled", 1)
	if not frappe.db.get_default("currency"):
		frappe.db.set_default("currency", currency)


def check_customer_currency(doc) -> None:
	"""Customer.validate: a currency (the firm's when none is chosen), never changed once the
	customer has submitted invoices or payments in it."""
	doc.currency = doc.currency or default_currency()
	if doc.is_new() or not doc.has_value_changed("currency"):
		return
	for doctype in (INVOICE, PAYMENT):
		if frappe.db.exists(doctype, {"customer": doc.name, "docstatus": 1}):
			frappe.throw(
				_("{0} cannot change: {1} has submitted {2} in {3}.").format(
					frappe.bold(_("Currency")),
					frappe.bold(doc.name),
					_(doctype),
					frappe.bold(doc.get_doc_before_save().currency),
				),
				title=_("Currency"),
			)
