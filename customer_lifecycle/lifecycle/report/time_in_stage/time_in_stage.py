# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

"""Time in Stage: for each state of the lifecycle workflow, how long customers stayed in it before they
left it in a date range (the `seconds_in_from_state` of their Customer Lifecycle Changes: count,
average, shortest, longest, in days), and how long the customers in it today have been there so far.

Two queries whatever the number of customers and changes: a GROUP BY from_state over the changes of
the range, and a GROUP BY state over `tabCustomer` (time since `lifecycle_since`); both with the
customer filters and the user's permissions (queries.customer_scope, customer_conditions). States
are the workflow's, in its order.
"""

import frappe
from frappe import _
from frappe.utils import now_datetime

from customer_lifecycle.analytics import queries
from customer_lifecycle.utils import report_columns as col
from customer_lifecycle.utils.doctypes import CHANGE_LOG

REPORT = "Time in Stage"


@queries.report(REPORT)
def execute(filters):
	rows = data(filters)
	chart = queries.bar_chart(
		[r.state_label for r in rows], [r.avg_days or 0 for r in rows], _("Average Days"), "Float"
	)
	return columns(), rows, None, chart


def columns() -> list[dict]:
	return [
		col.state(),
		col.integer("exits", _("Left in Period"), 110),
		col.days("avg_days", _("Average Days")),
		col.days("min_days", _("Shortest (Days)")),
		col.days("max_days", _("Longest (Days)")),
		col.integer("current", _("In State Now"), 110),
		col.days("current_avg_days", _("Days So Far (Average)"), 150),
	]


def data(filters) -> list[dict]:
	conditions, values = queries.customer_conditions(filters)
	scope, scope_values = queries.customer_scope(filters, "ch.customer")
	values.update(scope_values)
	values.update(queries.period_values(filters), now=now_datetime())
	left = {
		r.from_state: r
		# SQL text: `scope` and `conditions` are queries.customer_conditions' column names and placeholders, with Frappe's escaped match conditions; every filter value is a parameter
		for r in frappe.db.sql(
			f"""
			select ch.from_state, count(*) as exits, avg(ch.seconds_in_from_state) as avg_seconds,
				min(ch.seconds_in_from_state) as min_seconds, max(ch.seconds_in_from_state) as max_seconds
			from `tab{CHANGE_LOG}` ch
			where ch.changed_on >= %(from_date)s and ch.changed_on < %(end)s{scope}
			group by ch.from_state
			""",
			values,
			as_dict=True,
		)
	}
	in_state = {
		r.lifecycle_status: r
		for r in frappe.db.sql(
			f"""
			select lifecycle_status, count(*) as current,
				avg(timestampdiff(second, coalesce(lifecycle_since, creation), %(now)s)) as avg_seconds
			from `tabCustomer`
			where {conditions}
			group by lifecycle_status
			""",
			values,
			as_dict=True,
		)
	}
	rows = []
	for state in queries.workflow_states():
		stay, today = left.get(state) or frappe._dict(), in_state.get(state) or frappe._dict()
		rows.append(
			frappe._dict(
				state=state,
				state_label=_(state),
				exits=int(stay.exits or 0),
				avg_days=queries.days(stay.avg_seconds),
				min_days=queries.days(stay.min_seconds),
				max_days=queries.days(stay.max_seconds),
				current=int(today.current or 0),
				current_avg_days=queries.days(today.avg_seconds),
			)
		)
	return rows
