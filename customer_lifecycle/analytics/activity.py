"""A customer's last activity: its latest submitted invoice or payment, engagement or note.

Each customer's activity has two moments: the date it happened (an invoice's or payment's posting
date, the day an engagement or note was made), which says how long a customer has been quiet, and
the moment it was recorded, which says whether anything happened since a customer went dormant.
"""

import frappe

from customer_lifecycle.utils.doctypes import ENGAGEMENT, INVOICE, NOTE, PAYMENT


def activity_sql() -> str:
	"""A derived table (customer, last_activity_on, last_recorded_at): each source is grouped by
	customer on its own (an index range read per table), then the four small aggregates are merged.
	Raw SQL because the query builder cannot group a UNION ALL of grouped selects."""
	return f"""
		select customer, max(on_date) as last_activity_on, max(recorded_at) as last_recorded_at
		from (
			select customer, max(posting_date) as on_date, max(creation) as recorded_at
				from `tab{INVOICE}` where docstatus = 1 group by customer
			union all
			select customer, max(posting_date), max(creation)
				from `tab{PAYMENT}` where docstatus = 1 group by customer
			union all
			select customer, date(max(creation)), max(creation)
				from `tab{ENGAGEMENT}` where docstatus < 2 group by customer
			union all
			select customer, date(max(creation)), max(creation)
				from `tab{NOTE}` group by customer
		) as sources
		group by customer"""


def customers_with_activity(states: list[str] | None = None, stored: tuple[str, ...] = ()) -> list[dict]:
	"""One query: every customer (or those in `states`) with its lifecycle state, when it entered
	it, when it was created and its last activity (None when it has had none), plus the Customer
	columns named in `stored`, each as `current_<column>`."""
	condition = "where c.lifecycle_status in %(states)s" if states else ""
	columns = "".join(f", c.`{field}` as `current_{field}`" for field in stored)
	# SQL text: the columns are the caller's stored-field constants; the states are a parameter
	return frappe.db.sql(
		f"""
		select c.name, c.lifecycle_status, c.lifecycle_since, c.creation,
			a.last_activity_on, a.last_recorded_at{columns}
		from `tabCustomer` c
		left join ({activity_sql()}) as a on a.customer = c.name
		{condition}""",
		{"states": tuple(states or ())},
		as_dict=True,
	)
