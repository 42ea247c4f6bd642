"""Script Report columns: a maker for each kind of column, and the columns several reports show alike,
so that each report's columns() lists only what is its own (fieldname, label, width).

A label comes translated: each report writes `_("...")` around its own text, where the translation
extractor finds it, and calls columns() per request, so the user's language applies. The width most
reports give a kind of column (a date, an amount, a number of days) is its default here.
"""

from frappe import _

from customer_lifecycle.utils.doctypes import CUSTOMER


def column(fieldname: str, label: str, fieldtype: str, width: int, **more) -> dict:
	"""A column as the desk reads it; `more` (options, precision) goes before the width."""
	return {"fieldname": fieldname, "label": label, "fieldtype": fieldtype, **more, "width": width}


def link(fieldname: str, label: str, doctype: str, width: int) -> dict:
	return column(fieldname, label, "Link", width, options=doctype)


def customer(width: int, fieldname: str = "customer", label: str | None = None) -> dict:
	"""A link to a Customer, labelled "Customer" unless the report names it otherwise."""
	return link(fieldname, label or _("Customer"), CUSTOMER, width)


def customer_columns(link_width: int, name_width: int) -> list[dict]:
	"""The customer and its name: the first two columns of every report with a row per customer."""
	return [customer(link_width), data("customer_name", _("Customer Name"), name_width)]


def data(fieldname: str, label: str, width: int) -> dict:
	return column(fieldname, label, "Data", width)


def integer(fieldname: str, label: str, width: int) -> dict:
	return column(fieldname, label, "Int", width)


def check(fieldname: str, label: str, width: int) -> dict:
	return column(fieldname, label, "Check", width)


def percent(fieldname: str, label: str, width: int) -> dict:
	return column(fieldname, label, "Percent", width)


def currency(fieldname: str, label: str, width: int = 120) -> dict:
	"""An amount, in the currency of its row (each row carries `currency`)."""
	return column(fieldname, label, "Currency", width, options="currency")


def date(fieldname: str, label: str, width: int = 110) -> dict:
	return column(fieldname, label, "Date", width)


def days(fieldname: str, label: str, width: int = 110) -> dict:
	"""A number of days, shown to one decimal."""
	return column(fieldname, label, "Float", width, precision=1)


# columns that several reports show alike: written once here


def invoice_count(width: int = 80) -> dict:
	return integer("invoices", _("Invoices"), width)


def average_invoice() -> dict:
	return currency("average_invoice", _("Average Invoice"))


def outstanding(width: int = 120) -> dict:
	return currency("outstanding", _("Outstanding"), width)


def invoice_dates() -> list[dict]:
	"""The customer's first and last invoice."""
	return [date("first_invoice", _("First Invoice")), date("last_invoice", _("Last Invoice"))]


def last_payment() -> dict:
	return date("last_payment", _("Last Payment"))


def revenue_share(width: int) -> dict:
	return percent("share", _("Share of Revenue (%)"), width)


def state() -> dict:
	"""The lifecycle state a row is about, translated."""
	return data("state_label", _("State"), 140)
