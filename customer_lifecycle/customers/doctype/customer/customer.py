# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

import frappe
from frappe import _
from frappe.model.document import Document

from customer_lifecycle.billing import figures
from customer_lifecycle.billing.currency import check_customer_currency
from customer_lifecycle.customers import completeness, contacts, dates, duplicates, flags
from customer_lifecycle.lifecycle import engine
from customer_lifecycle.onboarding import checklists
from customer_lifecycle.privacy import anonymize, deletion
from customer_lifecycle.utils.normalize import PHONE_PROBLEM, normalize_email, normalize_phone, normalize_text


class Customer(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		active_flag: DF.Data | None
		activity_segment: DF.Literal["", "New", "Active", "Inactive"]
		address_line1: DF.Data | None
		address_line2: DF.Data | None
		allow_duplicate: DF.Check
		archived: DF.Check
		at_risk: DF.Check
		billing_address: DF.Link | None
		birth_date: DF.Date | None
		city: DF.Data | None
		completeness: DF.Percent
		country: DF.Link | None
		county: DF.Data | None
		customer_category: DF.Link | None
		customer_name: DF.Data
		customer_type: DF.Literal["Individual", "Company", "Trust"]
		email: DF.Data | None
		flag_severity: DF.Literal["", "Low", "Medium", "High"]
		id_number: DF.Data | None
		last_activity_on: DF.Date | None
		lifecycle_since: DF.Datetime | None
		lifecycle_status: DF.Link | None
		name_key: DF.Data | None
		naming_series: DF.Literal["CUST-.YYYY.-.#####"]
		notes: DF.SmallText | None
		payment_reminders_opt_out: DF.Check
		payment_segment: DF.Literal["", "On Time", "Partial", "Late"]
		phone: DF.Data | None
		pincode: DF.Data | None
		primary_contact: DF.Link | None
		revenue_segment: DF.Literal["", "High", "Medium", "Low"]
	# end: auto-generated types

	def onload(self):
		contacts.load_contacts_and_addresses(self)

	def validate(self):
		self.clean_name_and_ids()
		self.normalize_email()
		self.normalize_phone()
		dates.check_birth_date(self)
		contacts.validate_customer(self)
		duplicates.validate_customer(self)
		# the flag fields follow Customer Flag only, never a stale form
		flags.keep_customer_fields(self)
		# the anonymized state only through the confirmed anonymization, never a bare action
		anonymize.validate_anonymize(self)
		# money: the customer's currency, and its figures as they are now (never a stale form's)
		check_customer_currency(self)
		figures.keep_current(self)
		completeness.set_score(self)

	def validate_workflow(self):
		# replaces Document.validate_workflow: Frappe's checks plus the lifecycle rules
		engine.validate_workflow(self)

	def on_update(self):
		engine.record_change(self)
		contacts.sync_customer(self)
		checklists.on_customer_update(self)

	def before_rename(self, old: str, new: str, merge: bool = False):
		# onboarding rounds follow a merged customer, renumbered after the survivor's
		checklists.before_customer_rename(self, old=old, new=new, merge=merge)

	def on_trash(self):
		# a customer with business records is archived, not deleted; its own records go with it
		deletion.check_delete(self)
		contacts.unlink_customer(self)
		checklists.on_customer_trash(self)

	def clean_name_and_ids(self):
		self.customer_name = normalize_text(self.customer_name)
		if not self.customer_name:
			frappe.throw(
				_("{0} is required.").format(frappe.bold(_(self.meta.get_label("customer_name")))),
				frappe.MandatoryError,
			)
		self.id_number = normalize_text(self.id_number)

	def normalize_email(self):
		try:
			self.email = normalize_email(self.email)
		except ValueError:
			self.throw_invalid("email", _("is not a valid email address"))

	def normalize_phone(self):
		try:
			self.phone = normalize_phone(self.phone, site_country_code())
		except ValueError:
			self.throw_invalid(
				"phone",
				str(PHONE_PROBLEM).format(frappe.get_system_settings("country") or _("the site's country")),
			)

	def throw_invalid(self, fieldname: str, problem: str):
		frappe.throw(
			_("{0}: {1} {2}").format(
				frappe.bold(_(self.meta.get_label(fieldname))), frappe.bold(self.get(fieldname)), problem
			),
			frappe.ValidationError,
			title=_("Invalid {0}").format(_(self.meta.get_label(fieldname))),
		)


def site_country_code() -> str | None:
	"""ISO code of the country in System Settings, for numbers written without a country code."""
	country = frappe.get_system_settings("country")
	return frappe.get_cached_value("Country", country, "code") if country else None


# Indexes that only order by `modified` without the list's filters: MariaDB walked them newest first
# and read each row to test its lifecycle state, thousands of rows for a state seldom changed of late,
# where the lifecycle index reads one page (the foundation benchmark prints the list's figures).
SUPERSEDED_INDEXES = ("modified", "archived_modified")


def on_doctype_update():
	# the desk list: default filter (archived), an optional lifecycle filter, newest first
	frappe.db.add_index(
		"Customer", ["archived", "lifecycle_status", "modified"], "archived_lifecycle_modified"
	)
	# newest first with or without those filters, tested inside the index (Frappe makes one on
	# `modified` alone for every table; this one takes its place)
	frappe.db.add_index(
		"Customer", ["modified", "archived", "lifecycle_status"], "modified_archived_lifecycle"
	)
	# the list sorted by what customers owe or spent, with its default filter (archived)
	for figure in ("balance", "total_invoiced", "total_paid"):
		frappe.db.add_index("Customer", ["archived", figure], f"archived_{figure}")
	for index in SUPERSEDED_INDEXES:
		if frappe.db.has_index("tabCustomer", index):
			# SQL text: the index name is one of SUPERSEDED_INDEXES, the app's own constants
			frappe.db.sql_ddl(f"alter table `tabCustomer` drop index `{index}`")
