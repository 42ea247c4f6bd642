"""Important dates: the birthdays of Individual customers and of customers' contacts, and each
customer's anniversary (its first invoice, a figure the customer keeps: billing/figures.py).

`upcoming` lists the ones that come round in the next days, for the workspace's block and the
Upcoming Dates report, only of the customers the user may read (archived and anonymized ones left
out). The dates come from one query per kind over the month-days of the window; the permission
check is one `frappe.get_list` over the customers found."""

import frappe
from frappe import _
from frappe.query_builder.functions import DateFormat
from frappe.utils import getdate, nowdate

from customer_lifecycle.customers import date_rules
from customer_lifecycle.privacy.records import anonymized_state
from customer_lifecycle.utils.doctypes import CUSTOMER

BIRTHDAY, ANNIVERSARY = "Birthday", "Anniversary"


def check_birth_date(doc, method=None) -> None:
	"""Customer.validate and Contact.validate: no birth date in the future."""
	if not doc.get("birth_date"):
		return
	doc.birth_date = getdate(doc.birth_date)
	problem = date_rules.check_birth_date(doc.birth_date, getdate(nowdate()))
	if problem:
		frappe.throw(
			_("{0} {1}.").format(frappe.bold(_(doc.meta.get_label("birth_date"))), _(problem)),
			title=_("Invalid Birth Date"),
		)


def upcoming(today=None, days: int = date_rules.UPCOMING_DAYS) -> list[dict]:
	"""The birthdays and anniversaries that come round from `today` for `days` days, soonest first:
	{date, days_away, kind, years, customer, customer_name, contact, contact_name}."""
	today = getdate(today or nowdate())
	month_days = date_rules.month_days(today, days)
	found = [*customer_birthdays(month_days), *contact_birthdays(month_days), *anniversaries(month_days)]
	readable = set(readable_customers({row.customer for row in found}))
	if not frappe.has_permission("Contact", "read"):
		found = [row for row in found if not row.contact]
	rows = []
	for row in found:
		if row.customer not in readable:
			continue
		coming = date_rules.upcoming(getdate(row.original), today, days)
		if not coming:
			continue
		when, years = coming
		rows.append(
			{
				"date": when,
				"days_away": (when - today).days,
				"kind": row.kind,
				"years": years,
				"customer": row.customer,
				"customer_name": row.customer_name,
				"contact": row.contact,
				"contact_name": row.contact_name,
			}
		)
	return sorted(rows, key=lambda r: (r["date"], r["kind"] != BIRTHDAY, r["customer_name"] or ""))


def customer_table_and_conditions():
	customer = frappe.qb.DocType(CUSTOMER)
	condition = customer.archived == 0
	state = anonymized_state()
	if state:
		condition &= customer.lifecycle_status != state
	return customer, condition


def customer_birthdays(month_days: list[str]) -> list[frappe._dict]:
	customer, condition = customer_table_and_conditions()
	return [
		frappe._dict(row, kind=BIRTHDAY, contact=None, contact_name=None)
		for row in frappe.qb.from_(customer)
		.select(customer.name.as_("customer"), customer.customer_name, customer.birth_date.as_("original"))
		.where(
			condition
			& (customer.customer_type == "Individual")
			& customer.birth_date.isnotnull()
			& DateFormat(customer.birth_date, "%m-%d").isin(month_days)
		)
		.run(as_dict=True)
	]


def contact_birthdays(month_days: list[str]) -> list[frappe._dict]:
	"""Contacts' birthdays, each under the first customer it is linked to; the primary contact of an
	Individual customer born the same day is that customer, listed once."""
	customer, condition = customer_table_and_conditions()
	contact, link = frappe.qb.DocType("Contact"), frappe.qb.DocType("Dynamic Link")
	rows = (
		frappe.qb.from_(contact)
		.join(link)
		.on((link.parent == contact.name) & (link.parenttype == "Contact") & (link.link_doctype == CUSTOMER))
		.join(customer)
		.on(customer.name == link.link_name)
		.select(
			contact.name.as_("contact"),
			contact.full_name.as_("contact_name"),
			contact.birth_date.as_("original"),
			customer.name.as_("customer"),
			customer.customer_name,
			customer.customer_type,
			customer.primary_contact,
			customer.birth_date,
		)
		.where(
			condition
			& contact.birth_date.isnotnull()
			& DateFormat(contact.birth_date, "%m-%d").isin(month_days)
		)
		.orderby(contact.name)
		.orderby(link.idx)
		.run(as_dict=True)
	)
	seen, found = set(), []
	for row in rows:
		if row.contact in seen:
			continue
		seen.add(row.contact)
		same_person = (
			row.customer_type == "Individual"
			and row.primary_contact == row.contact
			and row.birth_date
			and getdate(row.birth_date) == getdate(row.original)
		)
		if not same_person:
			found.append(frappe._dict(row, kind=BIRTHDAY))
	return found


def anniversaries(month_days: list[str]) -> list[frappe._dict]:
	customer, condition = customer_table_and_conditions()
	return [
		frappe._dict(row, kind=ANNIVERSARY, contact=None, contact_name=None)
		for row in frappe.qb.from_(customer)
		.select(
			customer.name.as_("customer"), customer.customer_name, customer.first_invoice_date.as_("original")
		)
		.where(
			condition
			& customer.first_invoice_date.isnotnull()
			& DateFormat(customer.first_invoice_date, "%m-%d").isin(month_days)
		)
		.run(as_dict=True)
	]


def readable_customers(names: set[str]) -> list[str]:
	if not names:
		return []
	return frappe.get_list(
		CUSTOMER, filters={"name": ("in", sorted(names))}, pluck="name", limit_page_length=0
	)
