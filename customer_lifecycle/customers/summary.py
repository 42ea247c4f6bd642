"""The Customer 360 summary: a customer's header fields, its money figures (stored on the customer,
billing/figures.py) and its counts, in one query.

Each count is a `Figure`: a scalar subquery. The summary reads the customer row and every figure in
one SELECT (one subquery per figure). Other modules add figures through the
`customer_summary_figures` hook (dotted paths of functions returning a list of `Figure`).
"""

from collections.abc import Callable
from dataclasses import dataclass

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count
from pypika.queries import QueryBuilder

from customer_lifecycle.utils.doctypes import CUSTOMER, ENGAGEMENT, GENERATED_DOCUMENT

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
	"currency",
	"balance",
	"total_invoiced",
	"invoice_count",
	"first_invoice_date",
	"last_invoice_date",
	"retainer_balance",
)


@dataclass(frozen=True)
class Figure:
	"""One count of the summary: `query(customer)` is a scalar subquery."""

	key: str
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
	"""The customer's files and those of its engagements (seed 002: project files count too)."""
	file, engagement = DocType("File"), DocType(ENGAGEMENT)
	engagements = frappe.qb.from_(engagement).select(engagement.name).where(engagement.customer == customer)
	return count_where(
		file,
		(file.is_folder == 0)
		& (
			((file.attached_to_doctype == CUSTOMER) & (file.attached_to_name == customer))
			| ((file.attached_to_doctype == ENGAGEMENT) & file.attached_to_name.isin(engagements))
		),
	)


def notes(customer: str) -> QueryBuilder:
	note = DocType("Customer Note")
	return count_where(note, note.customer == customer)


def documents(customer: str) -> QueryBuilder:
	"""Documents generated for the customer (customers/documents)."""
	document = DocType(GENERATED_DOCUMENT)
	return count_where(document, document.customer == customer)


def active_flags(customer: str) -> QueryBuilder:
	flag = DocType("Customer Flag")
	return count_where(flag, (flag.customer == customer) & (flag.status == "Active"))


CORE_FIGURES = (
	Figure("open_tasks", open_tasks),
	Figure("files", files),
	Figure("notes", notes),
	Figure("active_flags", active_flags),
	Figure("documents", documents),
)


def get_figures() -> list[Figure]:
	"""The core figures, then those other modules add through the `customer_summary_figures` hook."""
	figures = list(CORE_FIGURES)
	for path in frappe.get_hooks("customer_summary_figures"):
		figures.extend(frappe.get_attr(path)())
	return figures


def customer_summary(customer: str, figures: list[Figure] | None = None) -> dict:
	"""The customer's header fields, money figures and counts. One SELECT whatever the customer holds;
	permissions are the caller's business (api.customer360.summary checks them)."""
	figures = get_figures() if figures is None else figures
	table = DocType(CUSTOMER)
	query = (
		frappe.qb.from_(table)
		.select(*(table[field] for field in FIELDS), *(f.query(customer).as_(f.key) for f in figures))
		.where(table.name == customer)
	)
	rows = query.run(as_dict=True)
	if not rows:
		frappe.throw(
			frappe._("{0} {1} not found").format(frappe._(CUSTOMER), frappe.bold(customer)),
			frappe.DoesNotExistError,
		)
	row = rows[0]
	out = {field: row[field] for field in FIELDS if field != "_liked_by"}
	out["liked_by"] = frappe.parse_json(row._liked_by) if row._liked_by else []
	# the purchase summary, as the header names it
	out["total_spent"] = row.total_invoiced or 0
	out["average_invoice"] = (row.total_invoiced or 0) / row.invoice_count if row.invoice_count else 0
	out["first_invoice"], out["last_invoice"] = row.first_invoice_date, row.last_invoice_date
	for f in figures:
		out[f.key] = row[f.key]
	return out
