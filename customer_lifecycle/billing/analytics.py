"""What the customer analytics reports share: who may run them, the date range, the SQL conditions
on the joined Customer row (the user's permissions and the customer filters), charts, and the
payment-behaviour rule.

Every report reads its figures with a fixed number of SQL aggregates, whatever the number of
customers, invoices and payments: GROUP BY over the billing tables, restricted to the customers the
filters and the user's permissions allow through a subquery on `tabCustomer` (unaliased, so that
Frappe's match conditions, which name `tabCustomer`, apply as they are). Raw SQL
(`frappe.db.sql`) is used because those conditions come from Frappe's reportview as SQL text, and
because derived tables aggregated before the join are what keep the reports fast.
"""

from datetime import date, timedelta

import frappe
from frappe import _
from frappe.desk.reportview import get_match_cond
from frappe.utils import add_months, flt, getdate, nowdate

from customer_lifecycle.lifecycle.engine import get_workflow

CUSTOMER = "Customer"
# report filter -> column of tabCustomer it compares with
CUSTOMER_FILTERS = {
	"customer": "name",
	"customer_category": "customer_category",
	"customer_type": "customer_type",
	"lifecycle_status": "lifecycle_status",
}
# payment behaviour, from the customer's invoices and how late its payments came (days after due)
NO_INVOICES, NOT_PAID_YET, ON_TIME, LATE, VERY_LATE, OVERDUE = (
	"No Invoices",
	"Not Paid Yet",
	"Pays On Time",
	"Pays Late",
	"Pays Very Late",
	"Has Overdue Invoices",
)
VERY_LATE_DAYS = 30
SECONDS_PER_DAY = 86400


def check_access(report: str) -> None:
	"""Refuse a user whom the report's roles (Customer Manager, System Manager, or those an admin set)
	do not include, or who may not read customers. `execute` runs this first, so that the report
	cannot be read around the desk's own check (Prepared Reports, direct calls)."""
	if not frappe.get_cached_doc("Report", report).is_permitted():
		raise frappe.PermissionError(
			_("You are not allowed to run the report {0}.").format(frappe.bold(_(report)))
		)
	frappe.has_permission(CUSTOMER, "read", throw=True)


def date_range(filters) -> tuple[date, date]:
	"""The report's From Date and To Date (default: the twelve months up to today); a range that ends
	before it starts is refused with a message that names both fields."""
	to_date = getdate(filters.get("to_date") or nowdate())
	from_date = getdate(filters.get("from_date") or add_months(to_date, -12))
	if from_date > to_date:
		frappe.throw(
			_("{0} must not be after {1}.").format(frappe.bold(_("From Date")), frappe.bold(_("To Date"))),
			title=_("Invalid Date Range"),
		)
	return from_date, to_date


def period_values(filters) -> dict:
	"""SQL parameters of the date range: `from_date`, `to_date` (dates) and `end` (the day after
	to_date, for datetime columns compared with `>= from_date and < end`)."""
	from_date, to_date = date_range(filters)
	return {"from_date": from_date, "to_date": to_date, "end": to_date + timedelta(days=1)}


def customer_conditions(filters) -> tuple[str, dict]:
	"""SQL conditions on `tabCustomer` and their parameters: the customer filters given, and the
	user's match conditions (User Permissions on Customer and its links, permission query hooks)
	as Frappe's report view builds them."""
	conditions, values = ["1=1"], {}
	for key, column in CUSTOMER_FILTERS.items():
		if filters.get(key):
			conditions.append(f"`tabCustomer`.`{column}` = %({key})s")
			values[key] = filters.get(key)
	# " and (...)" or "", with % already doubled for parameter substitution
	return " and ".join(conditions) + get_match_cond(CUSTOMER), values


def customer_scope(filters, column: str) -> tuple[str, dict]:
	"""customer_conditions as a condition on `column`, the customer link of the billing or log table
	a report reads: " and <column> in (select ... from tabCustomer where ...)", or "" when no filter
	or permission applies, so that a million invoices are not joined to their customers for nothing."""
	conditions, values = customer_conditions(filters)
	if conditions == "1=1":
		return "", values
	return f" and {column} in (select `tabCustomer`.name from `tabCustomer` where {conditions})", values


def workflow_states() -> list[str]:
	"""The lifecycle workflow's states in its order, each once (an admin's edits included)."""
	workflow = get_workflow()
	return list(dict.fromkeys(s.state for s in workflow.states)) if workflow else []


def ratio(part, whole) -> float:
	"""part / whole, 0 when there is no whole."""
	return flt(part) / flt(whole) if flt(whole) else 0.0


def percent(part, whole) -> float:
	return round(100 * ratio(part, whole), 2)


def days(seconds) -> float | None:
	return None if seconds is None else round(flt(seconds) / SECONDS_PER_DAY, 1)


def bar_chart(labels: list[str], values: list, name: str, fieldtype: str = "Int") -> dict | None:
	"""A Frappe chart of one bar series, or None when there is nothing to draw."""
	if not labels:
		return None
	return {
		"data": {"labels": labels, "datasets": [{"name": name, "values": values}]},
		"type": "bar",
		"fieldtype": fieldtype,
	}


def payment_behaviour(invoices: int, overdue_invoices: int, avg_days_late: float | None) -> str:
	"""How a customer pays: overdue invoices first; then, from the allocations of its payments, the
	average number of days after the due date it paid (0 or less: on time)."""
	if not invoices:
		return NO_INVOICES
	if overdue_invoices:
		return OVERDUE
	if avg_days_late is None:
		return NOT_PAID_YET
	if avg_days_late <= 0:
		return ON_TIME
	return LATE if avg_days_late <= VERY_LATE_DAYS else VERY_LATE
