"""Customer segments, computed nightly into read-only fields on Customer so the list can filter and
sort by them: revenue (High, Medium, Low by the thresholds or percentiles of Customer Lifecycle
Settings), activity (New, Active, Inactive) and payment behaviour (On Time, Partial, Late), with
the date of the last activity, and whether the At-Risk Customers report lists the customer with its
default settings (`at_risk`: the list's filter and the workspace's number card count it, where the
report itself reads every invoice for seconds).

A fixed number of queries read everything, each a pass over a covering index or `tabCustomer`: the
invoice aggregates per customer, every customer with its stored segments, and the last activity of
each kind (analytics.last_activity), put together by name here; the rules of segment_rules decide;
only customers whose values changed are written, all the fields of a chunk of them in one UPDATE,
without touching `modified` (derived values, not edits).
"""

import frappe
from frappe import _
from frappe.utils import add_months, cint, flt, getdate, nowdate

from customer_lifecycle.analytics import segment_rules as rules
from customer_lifecycle.analytics.at_risk import at_risk_names
from customer_lifecycle.analytics.queries import last_activity
from customer_lifecycle.lifecycle.engine import get_settings
from customer_lifecycle.utils import jobs
from customer_lifecycle.utils.doctypes import CUSTOMER, INVOICE, PAYMENT

SEGMENT_FIELDS = ("revenue_segment", "activity_segment", "payment_segment", "last_activity_on", "at_risk")
# customers per UPDATE
WRITE_CHUNK = 1000


def invoice_figures(since, today) -> list[dict]:
	"""Per customer, over its submitted invoices posted since `since`: revenue (their totals), how
	many there are, how many are late (overdue now, or paid by a payment dated after the due date)
	and how many are partly paid. Raw SQL for the correlated EXISTS on the payments' allocations
	(the covering index invoice_parent of Customer Payment Allocation, then the payment)."""
	# SQL text: the doctype names are the app's constants; values are parameters
	return frappe.db.sql(
		f"""
		select i.customer,
			sum(i.total) as revenue,
			count(*) as invoices,
			sum(
				(i.outstanding_amount > 0 and i.due_date < %(today)s)
				or exists (
					select 1 from `tab{PAYMENT} Allocation` a
					join `tab{PAYMENT}` p on p.name = a.parent
					where a.invoice = i.name and p.docstatus = 1 and p.posting_date > i.due_date
				)
			) as late,
			sum(i.outstanding_amount > 0 and i.outstanding_amount < i.total) as partial
		from `tab{INVOICE}` i
		where i.docstatus = 1 and i.posting_date >= %(since)s
		group by i.customer""",
		{"since": since, "today": today},
		as_dict=True,
	)


def customers_with_segments() -> list[dict]:
	"""Every customer with its creation, its stored segment fields (as `current_<field>`) and its
	last activity (analytics.last_activity, None when it has had none)."""
	columns = "".join(f", `{field}` as `current_{field}`" for field in SEGMENT_FIELDS)
	# SQL text: SEGMENT_FIELDS, the app's own column names
	customers = frappe.db.sql(f"select name, creation{columns} from `tab{CUSTOMER}`", as_dict=True)
	latest = last_activity()
	for customer in customers:
		customer.last_activity_on = latest.get(customer.name)
	return customers


def cutoff_fields(settings) -> tuple[str, str]:
	"""The settings fields holding the (high, low) revenue cut-offs for the chosen basis."""
	if (settings.revenue_segment_basis or rules.PERCENTILES) == rules.PERCENTILES:
		return ("revenue_high_percentile", "revenue_low_percentile")
	return ("revenue_high_threshold", "revenue_low_threshold")


def validate_settings(settings) -> None:
	"""Customer Lifecycle Settings.validate: revenue cut-offs the segmentation can use."""
	high_field, low_field = cutoff_fields(settings)
	problem = rules.cutoff_problem(
		settings.revenue_segment_basis or rules.PERCENTILES,
		flt(settings.get(high_field)),
		flt(settings.get(low_field)),
	)
	if not problem:
		return
	high, low = (frappe.bold(_(settings.meta.get_label(field))) for field in (high_field, low_field))
	if problem == rules.OUT_OF_RANGE:
		message = _("{0} and {1} must be between 0 and 100.").format(high, low)
	else:
		message = _("{0} cannot be above {1}.").format(low, high)
	frappe.throw(message, title=_("Segments"))


def compute(
	customers: list[dict], billing: dict, settings, today, at_risk: set[str] = frozenset()
) -> dict[str, dict]:
	"""The segment values of every customer, by name (`at_risk`: the names of those at risk)."""
	high_field, low_field = cutoff_fields(settings)
	cutoffs = rules.revenue_cutoffs(
		settings.revenue_segment_basis or rules.PERCENTILES,
		[flt(row.revenue) for row in billing.values()],
		flt(settings.get(high_field)),
		flt(settings.get(low_field)),
	)
	new_days, inactive_days = cint(settings.new_customer_days), cint(settings.inactive_after_days)
	out = {}
	for customer in customers:
		figures = billing.get(customer.name)
		out[customer.name] = {
			"revenue_segment": rules.revenue_segment(flt(figures.revenue) if figures else 0, cutoffs),
			"activity_segment": rules.activity_segment(
				getdate(customer.creation), customer.last_activity_on, today, new_days, inactive_days
			),
			"payment_segment": rules.payment_segment(
				cint(figures.invoices), cint(figures.late), cint(figures.partial)
			)
			if figures
			else "",
			"last_activity_on": customer.last_activity_on,
			"at_risk": int(customer.name in at_risk),
		}
	return out


def write_changes(customers: list[dict], values: dict[str, dict]) -> int:
	"""Write the values of the customers whose values differ from what they hold; returns how many
	customers changed. Each UPDATE sets all the fields of up to WRITE_CHUNK customers, joined to
	their new values by name (raw SQL: the query builder has no UPDATE ... JOIN of a derived
	table): one row write per changed customer, where one UPDATE per field and value wrote each row
	up to four times."""
	changed = [
		customer.name
		for customer in customers
		if any(
			(customer.get("current_" + field) or None) != (values[customer.name][field] or None)
			for field in SEGMENT_FIELDS
		)
	]
	row = "select %s as name" + "".join(f", %s as `{field}`" for field in SEGMENT_FIELDS)
	assignments = ", ".join(f"c.`{field}` = v.`{field}`" for field in SEGMENT_FIELDS)
	for start in range(0, len(changed), WRITE_CHUNK):
		chunk = changed[start : start + WRITE_CHUNK]
		# SQL text: SEGMENT_FIELDS for the columns, one placeholder per value
		frappe.db.sql(
			f"""
			update `tab{CUSTOMER}` c
			join ({" union all ".join([row] * len(chunk))}) as v on v.name = c.name
			set {assignments}""",
			[
				value
				for name in chunk
				for value in (name, *(stored(values[name][field]) for field in SEGMENT_FIELDS))
			],
		)
	return len(changed)


def stored(value):
	"""A value as written: no segment is NULL, not an empty text (the flag's 0 stays 0)."""
	return None if value == "" else value


def update_segments() -> dict:
	"""Daily (scheduler): recompute every customer's segments; returns how many customers there are
	and how many changed. The changes are written in the job's one transaction: a run that stops
	half way leaves every customer as it was, and the next run works them all out again."""
	with jobs.scheduled_run(f"{__name__}.update_segments") as run:
		run.beat(text=_("It was reading the customers and their invoices; nothing was written."))
		settings = get_settings()
		today = getdate(nowdate())
		since = add_months(today, -(cint(settings.revenue_months) or 12))
		billing = {row.customer: row for row in invoice_figures(since, today)}
		customers = customers_with_segments()
		values = compute(customers, billing, settings, today, at_risk_names())
		run.beat(
			text=_(
				"It had worked out the segments of {0} customers and was writing those that changed, in one transaction: nothing of it was kept, and the next run works them all out again."
			).format(len(customers))
		)
		changed = write_changes(customers, values)
	return {"customers": len(customers), "changed": changed}
