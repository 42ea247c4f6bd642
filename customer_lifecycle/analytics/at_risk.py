"""Who is at risk: customers in the billable states (or the state chosen) showing any of low activity,
late payments, revenue falling quarter on quarter, or no recent invoices, each with its reasons
(segment_rules.risk_reasons). The At-Risk Customers report lists them; the nightly segments job
stores who it lists with its default settings on Customer (`at_risk`), which the list filters by and
the workspace's number card counts.

A fixed number of queries whatever the number of customers: the customers the user may read
(frappe.get_list, so user permissions and permission query conditions apply), every customer's
last activity (queries.last_activity: one GROUP BY customer per kind, the invoices' left to the
next query) and one GROUP BY customer over the submitted invoices, each a pass along a covering
index; the figures of the customers read first are picked here (the same joined in SQL goes through
on-disk temporary tables, several times slower at 100k customers).
"""

import frappe
from frappe import _
from frappe.utils import cint, flt, getdate, nowdate

from customer_lifecycle.analytics import segment_rules as rules
from customer_lifecycle.analytics.queries import ACTIVITY, last_activity
from customer_lifecycle.billing.gate import billable_states
from customer_lifecycle.lifecycle.engine import get_settings
from customer_lifecycle.utils.doctypes import CUSTOMER, INVOICE, PAYMENT, STATE_FIELD

REASONS = (rules.LOW_ACTIVITY, rules.LATE_PAYMENTS, rules.REVENUE_FALLING, rules.NO_RECENT_INVOICES)


DEFAULT_REVENUE_DROP = 25


DEFAULT_INACTIVE_DAYS = 60


DEFAULT_NO_INVOICE_DAYS = 90


# the invoice figures of a customer without submitted invoices
NO_INVOICES = {
	"overdue_invoices": 0,
	"overdue_amount": 0,
	"late_paid_invoices": 0,
	"revenue_this_quarter": 0,
	"revenue_last_quarter": 0,
	"last_invoice_on": None,
}


def permitted_customers(filters, marked_only: bool = False) -> list[dict]:
	"""The customers the user may read, with the report's filters (and only those the nightly job
	marked at risk, with `marked_only`): their name (as `customer`), name, state and currency."""
	conditions = [["archived", "=", 0]]
	if marked_only:
		conditions.append(["at_risk", "=", 1])
	states = [filters.lifecycle_status] if filters.lifecycle_status else billable_states()
	conditions.append([STATE_FIELD, "in", states])
	if filters.customer_category:
		conditions.append(["customer_category", "=", filters.customer_category])
	return frappe.get_list(
		CUSTOMER,
		fields=["name as customer", "customer_name", "lifecycle_status", "currency"],
		filters=conditions,
		limit_page_length=0,
	)


def query_rows(filters, today, marked_only: bool = False) -> list[dict]:
	this_start, last_start = rules.quarter_windows(today)
	customers = permitted_customers(filters, marked_only)
	# only the marked customers' records are read, by index, when the run is restricted to them
	names = [row.customer for row in customers] if marked_only else None
	if names is not None and not names:
		return []
	# every customer's figures, each a pass along a covering index: restricted to those customers
	# by a subquery, MariaDB reads them customer by customer and groups through an on-disk
	# temporary table, several times slower. The day of the last invoice, one kind of activity, comes
	# with the invoice figures (invoiced_on), so that the invoices are read once
	activity = last_activity(names, kinds=tuple(kind for kind in ACTIVITY if kind[0] != INVOICE))
	# Raw SQL for the correlated EXISTS on a payment's allocations (the covering index invoice_parent);
	# every figure but invoiced_on counts the invoices posted up to today only
	invoices = {
		row.customer: row
		# SQL text: only the app's table names and customer_scope's placeholders; every value is a parameter
		for row in frappe.db.sql(
			f"""
			select inv.customer,
				sum(inv.posting_date <= %(today)s and inv.outstanding_amount > 0 and inv.due_date < %(today)s)
					as overdue_invoices,
				sum(if(inv.posting_date <= %(today)s and inv.outstanding_amount > 0
					and inv.due_date < %(today)s, inv.outstanding_amount, 0)) as overdue_amount,
				sum(inv.posting_date between %(last_start)s and %(today)s and exists (
					select 1 from `tab{PAYMENT} Allocation` al
					join `tab{PAYMENT}` p on p.name = al.parent
					where al.invoice = inv.name and p.docstatus = 1 and p.posting_date > inv.due_date
				)) as late_paid_invoices,
				sum(if(inv.posting_date between %(this_start)s and %(today)s, inv.total, 0))
					as revenue_this_quarter,
				sum(if(inv.posting_date >= %(last_start)s and inv.posting_date < %(this_start)s, inv.total, 0))
					as revenue_last_quarter,
				max(if(inv.posting_date <= %(today)s, inv.posting_date, null)) as last_invoice_on,
				max(inv.posting_date) as invoiced_on
			from `tab{INVOICE}` inv
			where inv.docstatus = 1{" and inv.customer in %(customers)s" if names is not None else ""}
			group by inv.customer""",
			{
				"today": today,
				"this_start": this_start,
				"last_start": last_start,
				"customers": tuple(names or ()),
			},
			as_dict=True,
		)
	}
	for row in customers:
		row.update(invoices.get(row.customer) or NO_INVOICES)
		last = activity.get(row.customer)
		invoiced_on = row.pop("invoiced_on", None)
		row.last_activity_on = max(last, invoiced_on) if last and invoiced_on else last or invoiced_on
	return customers


def data(filters, everyone: bool = False) -> list[dict]:
	"""The customers at risk and why. With the default thresholds, the run lists the customers the
	nightly segments job marked at risk (an index read), with their reasons as they are now, so it
	opens in milliseconds whatever the number of invoices; other thresholds, or `everyone` (the
	nightly job itself), read every billable customer's invoices, payments and activity."""
	frappe.has_permission(CUSTOMER, "read", throw=True)
	frappe.has_permission(INVOICE, "read", throw=True)
	if filters.reason and filters.reason not in REASONS:
		frappe.throw(
			_("{0} must be one of {1}.").format(frappe.bold(_("Reason")), ", ".join(_(r) for r in REASONS))
		)
	today = getdate(nowdate())
	risk_rules = rules.RiskRules(
		today=today,
		inactive_days=cint(get_settings().inactive_after_days) or DEFAULT_INACTIVE_DAYS,
		revenue_drop_percent=flt(filters.revenue_drop_percent or DEFAULT_REVENUE_DROP),
		no_invoice_days=cint(filters.no_invoice_days or DEFAULT_NO_INVOICE_DAYS),
	)
	out = []
	# translated once per combination of reasons, not once per row: thousands of customers may be listed
	labels = {}
	marked_only = not everyone and uses_default_thresholds(filters)
	for row in query_rows(filters, today, marked_only):
		reasons = rules.risk_reasons(
			rules.RiskFigures(
				last_activity_on=row.last_activity_on,
				overdue_invoices=cint(row.overdue_invoices),
				late_paid_invoices=cint(row.late_paid_invoices),
				revenue_this_quarter=flt(row.revenue_this_quarter),
				revenue_last_quarter=flt(row.revenue_last_quarter),
				last_invoice_on=row.last_invoice_on,
			),
			risk_rules,
		)
		if not reasons or (filters.reason and filters.reason not in reasons):
			continue
		key = tuple(reasons)
		if key not in labels:
			labels[key] = ", ".join(_(r) for r in reasons)
		row.reasons = labels[key]
		row.reason_count = len(reasons)
		out.append(row)
	out.sort(key=lambda r: (-r.reason_count, -flt(r.overdue_amount), r.customer))
	return out


def uses_default_thresholds(filters) -> bool:
	"""Whether the run asks what the nightly job answers: the default thresholds, in the billable
	states."""
	return (
		not filters.lifecycle_status
		and flt(filters.revenue_drop_percent or DEFAULT_REVENUE_DROP) == DEFAULT_REVENUE_DROP
		and cint(filters.no_invoice_days or DEFAULT_NO_INVOICE_DAYS) == DEFAULT_NO_INVOICE_DAYS
	)


def at_risk_names() -> set[str]:
	"""Every customer at risk with the default settings, from the records (the nightly segments job,
	analytics.segments, stores the answer on Customer for the report, the list's filter and the
	number card)."""
	return {row.customer for row in data(frappe._dict(), everyone=True)}
