"""What the service module sets up on Frappe's own tables, at install and migrate (after the
fixtures, which add the Event's `service_visit_date` column), and takes away at uninstall: one visit
per subscription and date (a unique index on Event), and the indexes the daily job and the customer's
events read by."""

import frappe

# (table, index, columns, unique)
INDEXES = (
	("Event", "service_visit", ("reference_doctype", "reference_docname", "service_visit_date"), True),
	("Event", "service_visit_date", ("service_visit_date",), False),
	# the events a customer takes part in (its form's Service tab, the portal)
	("Event Participants", "reference_doctype_docname", ("reference_doctype", "reference_docname"), False),
)


def ensure_indexes() -> None:
	for doctype, index, columns, unique in INDEXES:
		if unique:
			frappe.db.add_unique(doctype, list(columns), index)
		else:
			frappe.db.add_index(doctype, list(columns), index)


def remove_indexes() -> None:
	for doctype, index, _columns, _unique in INDEXES:
		# SQL text: the app's own constants
		frappe.db.sql_ddl(f"drop index if exists `{index}` on `tab{doctype}`")
