"""The Customer 360 summary: a customer's header fields and its counts, in a fixed number of queries.

Each count is a `Figure`: a scalar subquery on one DocType. The summary reads the customer row and
every figure in one SELECT (one subquery per figure), after one query that says which of the
figures' DocTypes exist. A figure whose DocType does not exist (yet) is returned as None, never as
0, so that the header hides it instead of showing a wrong number: billing (engagements, invoices,
payments) comes in a later module, which adds its figures through the `customer_summary_figures`
hook (dotted paths of functions returning a list of `Figure`).
"""

from collections.abc import Callable
from dataclasses import dataclass

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count
from pypika.queries import QueryBuilder

from customer_lifecycle.utils.doctypes import CUSTOMER

# header fields read with the counts
FIELDS = (
	"name",
	"customer_name",
	"customer_type",
	"lifecycle_status",
	"email",
	"archived",
	"active_flag",
	"flag_severity",
	"_liked_by",
)
# figures the billing module provides; until it does, the summary returns None for them
BILLING_KEYS = ("open_engagements", "open_invoices", "balance")


@dataclass(frozen=True)
class Figure:
	"""One count of the summary: `query(customer)` is a scalar subquery on `doctype`."""

	key: str
	doctype: str
	query: Callable[[str], QueryBuilder]


def count_where(table, condition) -> QueryBuilder:
	"""A count figure's subquery: how many rows of `table` meet `condition`."""
	return frappe.qb.from_(table).select(Count("*")).where(condition)


def open_tasks(customer: str) -> QueryBuilder:
	todo = DocType("ToDo")
	return count_where(
		todo, (todo.reference_type == CUSTOMER) & (todo.reference_name == customer) & (todo.status == "Open")
	)


def files(customer: str) -> QueryBuilder:
	file = DocType("File")
	return count_where(
		file,
		(file.attached_to_doctype == CUSTOMER) & (file.attached_to_name == customer) & (file.is_folder == 0),
	)


def notes(customer: str) -> QueryBuilder:
	note = DocType("Customer Note")
	return count_where(note, note.customer == customer)


def active_flags(customer: str) -> QueryBuilder:
	flag = DocType("Customer Flag")
	return count_where(flag, (flag.customer == customer) & (flag.status == "Active"))


CORE_FIGURES = (
	Figure("open_tasks", "ToDo", open_tasks),
	Figure("files", "File", files),
	Figure("notes", "Customer Note", notes),
	Figure("active_flags", "Customer Flag", active_flags),
)


def get_figures() -> list[Figure]:
	"""The core figures, then those other modules add through the `customer_summary_figures` hook."""
	figures = list(CORE_FIGURES)
	for path in frappe.get_hooks("customer_summary_figures"):
		figures.extend(frappe.get_attr(path)())
	return figures


def customer_summary(customer: str, figures: list[Figure] | None = None) -> dict:
	"""The customer's header fields and its figures; None for a figure whose DocType is missing.

	Two queries whatever the customer holds: which DocTypes exist, then one SELECT with a subquery
	per figure. Permissions are the caller's business (api.customer360.summary checks them).
	"""
	figures = get_figures() if figures is None else figures
	existing = set(
		frappe.get_all("DocType", filters={"name": ("in", list({f.doctype for f in figures}))}, pluck="name")
	)
	computed = [f for f in figures if f.doctype in existing]
	table = DocType(CUSTOMER)
	query = (
		frappe.qb.from_(table)
		.select(*(table[field] for field in FIELDS), *(f.query(customer).as_(f.key) for f in computed))
		.where(table.name == customer)
	)
	rows = query.run(as_dict=True)
	if not rows:
		raise frappe.DoesNotExistError(frappe._("{0} {1} not found").format(frappe._(CUSTOMER), customer))
	row = rows[0]
	out = {field: row[field] for field in FIELDS if field != "_liked_by"}
	out["liked_by"] = frappe.parse_json(row._liked_by) if row._liked_by else []
	for key in BILLING_KEYS:
		out[key] = None
	for f in figures:
		out[f.key] = row[f.key] if f.doctype in existing else None
	return out
