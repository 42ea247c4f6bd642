"""Saved filters shipped with the customer list: "Active Companies", "Prospects This Month", "Has
Balance" and "No Transactions"; and the list's columns (List View Settings: the state, the balance,
the type and the completeness, so that the balance shows at every width, a laptop's included).

Frappe's list sidebar (Save Filter, then Show Saved) lists the `List Filter` records of a DocType
whose `for_user` is the current user or empty; an empty `for_user` is a filter for everyone. Those
below are created once for everyone and then belong to the admins: a filter with the same name for
everyone is never touched again, whatever its filters say now.
"""

import json

import frappe

from customer_lifecycle.lifecycle.engine import (
	CUSTOMER,
	STATE_FIELD,
	get_settings,
	get_workflow,
	initial_state,
)

LIST_FILTER = "List Filter"
LIST_VIEW_SETTINGS = "List View Settings"
# the customer list's columns after the name: Frappe shows 4 in all on a screen up to 1366 px wide
# unless List View Settings give a number, and takes the in-list-view fields in form order
CUSTOMER_COLUMNS = (
	("status_field", "Status"),
	("balance", "Balance"),
	("customer_type", "Customer Type"),
	("completeness", "Completeness"),
)


def default_filters() -> dict[str, list[list]]:
	"""Filter name -> filters as the list view saves them ([doctype, field, operator, value, hidden]).
	The states are read from Customer Lifecycle Settings and the workflow, never named here."""
	filters = {}
	active = get_settings().active_state
	if active:
		filters["Active Companies"] = [
			[CUSTOMER, "customer_type", "=", "Company", False],
			[CUSTOMER, STATE_FIELD, "=", active, False],
		]
	# money (billing/figures.py keeps these on the customer)
	filters["Has Balance"] = [[CUSTOMER, "balance", ">", 0, False]]
	filters["No Transactions"] = [
		[CUSTOMER, "invoice_count", "=", 0, False],
		[CUSTOMER, "total_paid", "=", 0, False],
	]
	first = initial_state(get_workflow())
	if first:
		filters["Prospects This Month"] = [
			[CUSTOMER, STATE_FIELD, "=", first, False],
			[CUSTOMER, "creation", "Timespan", "this month", False],
		]
	return filters


def ensure_list_filters() -> None:
	ensure_filters_for(CUSTOMER, default_filters())
	ensure_list_columns()


def ensure_list_columns() -> None:
	"""The customer list's List View Settings, made once: then they are the admins' to change."""
	if frappe.db.exists(LIST_VIEW_SETTINGS, CUSTOMER):
		return
	frappe.get_doc(
		{
			"doctype": LIST_VIEW_SETTINGS,
			"name": CUSTOMER,
			"total_fields": str(len(CUSTOMER_COLUMNS) + 2),  # with the name and the tags
			"fields": json.dumps([{"fieldname": f, "label": label} for f, label in CUSTOMER_COLUMNS]),
		}
	).insert(ignore_permissions=True)


def ensure_filters_for(doctype: str, defaults: dict[str, list[list]]) -> None:
	"""Create each of a list's default filters for everyone unless one of that name already exists
	for everyone."""
	for_everyone = set(
		frappe.get_all(
			LIST_FILTER,
			filters={"reference_doctype": doctype, "for_user": ("is", "not set")},
			pluck="filter_name",
		)
	)
	for filter_name, filters in defaults.items():
		if filter_name in for_everyone:
			continue
		frappe.get_doc(
			{
				"doctype": LIST_FILTER,
				"reference_doctype": doctype,
				"filter_name": filter_name,
				"for_user": "",
				"filters": json.dumps(filters),
			}
		).insert(ignore_permissions=True)
