"""What a customer's work earns: for each engagement and for the customer, the revenue (submitted
invoices), the cost of the time spent on it (each entry's hours at its user's cost rate, Staff Rate:
billable or not, time costs the firm), the margin and the margin as a percentage of the revenue, and
the value of the billable time not invoiced yet. The customer form's Financials tab shows it.

Revenue goes to an engagement when its invoice names it; an invoice that names none (time of several
engagements invoiced from the customer) gives each engagement the amounts of the entries of it that
it billed, and what is left of it (lines that are not time) shows as "not linked to an engagement".
Cost rates are the users' current ones, in the firm's currency: for a customer billed in another
currency nothing is converted, and cost and margin are left out (said in `cost_note`).

Four queries whatever the number of engagements and entries: the customer, its engagements (as the
user may list them), the invoices grouped by engagement and the time grouped by engagement (joined to
the users' cost rates and to the invoices that billed it). Raw SQL for the last: the query builder
cannot sum a CASE over two left joins; only the app's own table names are in the text.
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Sum
from frappe.utils import flt

from customer_lifecycle.billing import rules
from customer_lifecycle.billing.currency import default_currency
from customer_lifecycle.utils.doctypes import CUSTOMER, ENGAGEMENT, INVOICE, STAFF_RATE, TIME_ENTRY

FIGURES = ("hours", "revenue", "cost", "margin", "margin_percent", "unbilled")


def time_by_engagement(customer: str) -> dict[str | None, tuple]:
	"""engagement -> (hours, cost, unbilled value, amounts billed by invoices that name no engagement)."""
	rows = frappe.db.sql(
		f"""select te.engagement, sum(te.hours), sum(te.hours * coalesce(sr.cost_rate, 0)),
			sum(case when te.billable = 1 and te.invoice is null then te.amount else 0 end),
			sum(case when inv.docstatus = 1 and coalesce(inv.engagement, '') = '' then te.amount else 0 end)
		from `tab{TIME_ENTRY}` te
		left join `tab{STAFF_RATE}` sr on sr.name = te.user
		left join `tab{INVOICE}` inv on inv.name = te.invoice
		where te.customer = %(customer)s
		group by te.engagement""",
		{"customer": customer},
	)
	return {row[0]: row[1:] for row in rows}


def invoiced_by_engagement(customer: str) -> dict[str | None, float]:
	"""engagement (None: none named) -> the total of the customer's submitted invoices naming it."""
	invoice = frappe.qb.DocType(INVOICE)
	rows = (
		frappe.qb.from_(invoice)
		.select(invoice.engagement, Sum(invoice.total))
		.where((invoice.customer == customer) & (invoice.docstatus == 1))
		.groupby(invoice.engagement)
		.run()
	)
	out: dict[str | None, float] = {}
	for engagement, total in rows:
		out[engagement or None] = out.get(engagement or None, 0) + flt(total)
	return out


def figures(hours, revenue, cost, unbilled, with_cost: bool) -> dict:
	amount, percent = rules.margin(revenue, cost)
	return {
		"hours": flt(hours, 2),
		"revenue": float(rules.money(revenue)),
		"cost": float(rules.money(cost)) if with_cost else None,
		"margin": amount if with_cost else None,
		"margin_percent": percent if with_cost else None,
		"unbilled": float(rules.money(unbilled)),
	}


def customer_profitability(customer: str) -> dict:
	"""{currency, cost_note, engagements: [{engagement, title, status, **FIGURES}], other: FIGURES of
	the invoices linked to no engagement (None when there are none), total: the customer's FIGURES}."""
	currency = frappe.db.get_value(CUSTOMER, customer, "currency") or default_currency()
	firm = default_currency()
	with_cost = currency == firm
	engagements = frappe.get_list(
		ENGAGEMENT,
		filters={"customer": customer},
		fields=["name", "title", "status"],
		order_by="creation desc",
		limit_page_length=0,
	)
	invoiced = invoiced_by_engagement(customer)
	time = time_by_engagement(customer)
	rows = []
	for engagement in engagements:
		hours, cost, unbilled, billed = time.get(engagement.name) or (0, 0, 0, 0)
		revenue = invoiced.get(engagement.name, 0) + flt(billed)
		rows.append(
			{
				"engagement": engagement.name,
				"title": engagement.title,
				"status": engagement.status,
				**figures(hours, revenue, cost, unbilled, with_cost),
			}
		)
	hours, cost, unbilled, billed_unnamed = (sum(flt(row[i]) for row in time.values()) for i in range(4))
	unnamed = invoiced.get(None, 0) - billed_unnamed
	return {
		"customer": customer,
		"currency": currency,
		"cost_note": None
		if with_cost
		else _(
			"Cost rates are in {0} and this customer is billed in {1}: cost and margin are not shown."
		).format(firm, currency),
		"engagements": rows,
		"other": figures(0, unnamed, 0, 0, with_cost) if abs(unnamed) >= 0.005 else None,
		"total": figures(hours, sum(invoiced.values()), cost, unbilled, with_cost),
	}
