# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

"""Lifecycle Funnel: of the customers created in a date range (the cohort), how many reached each
state of the lifecycle workflow by now, as a share of the cohort and of the state before; and how
many customers (of any age) are in each state today.

The states and their order are the workflow's, as an admin left them (no state is named here). A
customer reaches the workflow's first state when it is created, and any other state through a
Customer Lifecycle Change. Two queries whatever the number of customers and changes: one GROUP BY
state over `tabCustomer` (customers now in each state, and how many of them are in the cohort), one
GROUP BY to_state over the cohort's lifecycle changes (distinct customers, read from the covering
index customer_to_state); both filtered by the customer filters and the user's permissions
(queries.customer_conditions).
"""

import frappe
from frappe import _

from customer_lifecycle.analytics import queries
from customer_lifecycle.utils import report_columns as col
from customer_lifecycle.utils.doctypes import CHANGE_LOG

REPORT = "Lifecycle Funnel"


@queries.report(REPORT)
def execute(filters):
	rows = data(filters)
	chart = queries.bar_chart([r.state_label for r in rows], [r.reached for r in rows], _("Reached"))
	return columns(), rows, None, chart


def columns() -> list[dict]:
	return [
		col.state(),
		col.integer("reached", _("Reached (Cohort)"), 130),
		col.percent("of_cohort", _("% of Cohort"), 110),
		col.percent("of_previous", _("% of Previous State"), 140),
		col.integer("current", _("In State Now (All)"), 140),
	]


def data(filters) -> list[dict]:
	conditions, values = queries.customer_conditions(filters)
	values.update(queries.period_values(filters))
	by_state = {
		r.lifecycle_status: r
		# SQL text: `conditions` are queries.customer_conditions' column names and placeholders, with Frappe's escaped match conditions; every filter value is a parameter
		for r in frappe.db.sql(
			f"""
			select lifecycle_status, count(*) as current,
				sum(creation >= %(from_date)s and creation < %(end)s) as cohort
			from `tabCustomer`
			where {conditions}
			group by lifecycle_status
			""",
			values,
			as_dict=True,
		)
	}
	# each (customer, state) of the changes once, grouped along the covering index customer_to_state
	# (Customer Lifecycle Change) and joined to its Customer row by primary key, then counted by state:
	# led by the Customer rows, or counted distinct in one GROUP BY, MariaDB sorts or looks up the
	# changes through temporary tables, two to five times slower at 100k customers
	one_customer = " and ch.customer = %(customer)s" if filters.get("customer") else ""
	reached = dict(
		frappe.db.sql(
			f"""
			select to_state, count(*)
			from (
				select ch.customer, ch.to_state
				from `tab{CHANGE_LOG}` ch
				straight_join `tabCustomer` on `tabCustomer`.name = ch.customer
				where `tabCustomer`.creation >= %(from_date)s and `tabCustomer`.creation < %(end)s
					and {conditions}{one_customer}
				group by ch.customer, ch.to_state
			) as reached
			group by to_state
			""",
			values,
		)
	)
	order = queries.workflow_states()
	cohort = sum(int(r.cohort or 0) for r in by_state.values())
	if order:
		# the first state is reached by being created
		reached[order[0]] = cohort
	rows, previous = [], None
	for state in order:
		count = int(reached.get(state) or 0)
		rows.append(
			frappe._dict(
				state=state,
				state_label=_(state),
				reached=count,
				of_cohort=queries.percent(count, cohort),
				of_previous=queries.percent(count, previous)
				if previous is not None
				else 100.0
				if count
				else 0.0,
				current=int(by_state[state].current) if state in by_state else 0,
			)
		)
		previous = count
	return rows
