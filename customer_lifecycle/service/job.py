"""The daily service plan job (scheduler, hooks.py): for every subscription that is active or on hold,

1. its status: on hold while its customer is outside the billable states (its open visits from today
   on cancelled), active again when the customer is back (the periods that began meanwhile are not
   invoiced), ended after its end date;
2. its visits: every visit of its series from today to the plan's "days ahead", not made yet, as
   an Event (service/visits.py); the next visit date moves to the first visit from today;
3. its invoices: one submitted Customer Invoice per billing period begun by today and not invoiced
   yet, at the plan's price, through the invoice controller's own steps (billing/batch.py).

What was made is keyed: a visit on (subscription, visit date), an invoice on (subscription, period
start), and the subscription's own dates say how far it got; running the job again the same day
makes nothing, and so does a second run at the same moment (the subscriptions' rows are read with
a lock and their dates as the first run left them).

Set-based: the subscriptions, their customers, plans and site addresses, and the visits and invoices
made already, are read in a fixed number of queries; the rules are plain Python (service/rules.py);
events, their participants and assignments, invoices and their rows are written with one INSERT per
table (more only past INSERT_BYTES), and the subscriptions with one UPDATE. The benchmark suite
`plans` prints its time and query count at two sizes.
"""

from datetime import date, timedelta
from functools import cache

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import getdate, now_datetime, nowdate

from customer_lifecycle.billing import batch, gate
from customer_lifecycle.service import rules, subscriptions, visits
from customer_lifecycle.utils.bulk import update_rows
from customer_lifecycle.utils.doctypes import CUSTOMER, INVOICE, SERVICE_PLAN, STATE_FIELD, SUBSCRIPTION

DATES = (
	"start_date",
	"end_date",
	"next_visit_date",
	"visit_anchor",
	"visits_made_until",
	"next_invoice_date",
)
SUBSCRIPTION_FIELDS = (
	"name",
	"customer",
	"plan",
	"site_address",
	"assigned_to",
	*DATES,
	"status",
	"status_reason",
)
# what the job writes back to a subscription
WRITTEN = ("status", "status_reason", "next_visit_date", "visits_made_until", "next_invoice_date")


def run(today: date | str | None = None, names: list[str] | None = None, invoices: bool = True) -> dict:
	"""The day's work for every live subscription (or those named), as of `today` (the site's date by
	default). Returns what was done: {held, resumed, ended: [subscription], visits: [event],
	invoices: [invoice], written: {subscription: values written}}."""
	today = getdate(today or nowdate())
	live = read_subscriptions(names)
	done = frappe._dict(held=[], resumed=[], ended=[], visits=[], invoices=[], written={})
	if not live:
		return done
	customers = read(CUSTOMER, ["name", "customer_name", STATE_FIELD], "customer", names)
	plans = {row.name: row for row in frappe.get_all(SERVICE_PLAN, fields=["*"])}
	allowed = gate.billable_states()
	before = {row.name: {f: row[f] for f in WRITTEN} for row in live}

	stopped = follow_customers(live, customers, allowed, today, done)
	visits.cancel(stopped, today)
	active = [row for row in live if row.status == rules.ACTIVE and row.plan in plans]
	done.visits = make_visits(active, customers, plans, today, names)
	if invoices:
		done.invoices = raise_invoices(active, plans, today, names)

	changed = {
		row.name: {f: row[f] for f in WRITTEN}
		for row in live
		if before[row.name] != {f: row[f] for f in WRITTEN}
	}
	now, user = now_datetime(), frappe.session.user
	update_rows(
		SUBSCRIPTION,
		{name: {**values, "modified": now, "modified_by": user} for name, values in changed.items()},
	)
	done.written = changed
	return done


def read_subscriptions(names: list[str] | None) -> list[frappe._dict]:
	"""The live subscriptions, locked until the transaction ends: a second run at the same moment
	waits here, then reads the dates this one wrote."""
	sub = DocType(SUBSCRIPTION)
	query = frappe.qb.from_(sub).select(*SUBSCRIPTION_FIELDS).where(sub.status.isin(rules.LIVE)).for_update()
	if names is not None:
		query = query.where(sub.name.isin(names or [""]))
	rows = query.run(as_dict=True)
	for row in rows:
		for field in DATES:
			row[field] = getdate(row[field]) if row[field] else None
	return rows


def read(doctype: str, fields: list[str], link: str, names: list[str] | None) -> dict[str, frappe._dict]:
	"""The records the live subscriptions (or those named) link to through `link`, by name, in one
	query (a subquery names them: no list of thousands of names is sent)."""
	table, sub = DocType(doctype), DocType(SUBSCRIPTION)
	linked = frappe.qb.from_(sub).select(sub[link]).where(sub.status.isin(rules.LIVE))
	if names is not None:
		linked = linked.where(sub.name.isin(names or [""]))
	query = frappe.qb.from_(table).select(*(table[f] for f in fields)).where(table.name.isin(linked))
	return {row.name: row for row in query.run(as_dict=True)}


def follow_customers(live: list, customers: dict, allowed: list[str], today: date, done) -> list[str]:
	"""Set each subscription's status by its customer's state and its end date (rules.status); the
	subscriptions that stopped being active, whose visits from today on are to be cancelled."""
	stopped = []
	lists = {rules.ON_HOLD: done.held, rules.ENDED: done.ended, rules.ACTIVE: done.resumed}
	for row in live:
		state = (customers.get(row.customer) or {}).get(STATE_FIELD)
		was = row.status
		row.status = rules.status(state in allowed, row.end_date, today)
		row.status_reason = subscriptions.reason(row.status, state, row.end_date, allowed)
		if row.status == was:
			continue
		lists[row.status].append(row.name)
		if was == rules.ACTIVE:
			stopped.append(row.name)
			# the visits cancelled from today on are made again when it goes on
			if row.visits_made_until and row.visits_made_until >= today:
				row.visits_made_until = today - timedelta(days=1)
		if row.status == rules.ACTIVE:
			row.resumed_on = today
	return stopped


def make_visits(
	active: list, customers: dict, plans: dict, today: date, names: list[str] | None
) -> list[str]:
	"""Each active subscription's visits from today to its plan's days ahead, not made yet."""
	wanted, last_day = [], today
	for row in active:
		plan = plans[row.plan]
		count = int(plan.visits_per_period or 0)
		anchor = row.visit_anchor or row.next_visit_date or row.start_date
		first = max(
			today,
			row.start_date,
			row.visits_made_until + timedelta(days=1) if row.visits_made_until else today,
		)
		last = today + timedelta(days=int(plan.days_ahead or 0))
		if row.end_date:
			last = min(last, row.end_date)
		days = rules.visit_dates(anchor, plan.frequency, count, first, last)
		wanted.extend((row, day) for day in days)
		if days:
			row.visits_made_until = days[-1]
			last_day = max(last_day, days[-1])
		row.next_visit_date = rules.next_visit(anchor, plan.frequency, count, today, row.end_date)
	made = visits.existing(names, today, last_day) if wanted else set()
	todo = [(row, day) for row, day in wanted if (row.name, day) not in made]
	addresses = read("Address", list(visits.ADDRESS_FIELDS), "site_address", names) if todo else {}
	return visits.make(todo, customers, plans, addresses)


def raise_invoices(active: list, plans: dict, today: date, names: list[str] | None) -> list[str]:
	"""One invoice per period of each active subscription begun by today and not invoiced yet."""
	due = []
	for row in active:
		plan = plans[row.plan]
		if not row.next_invoice_date:
			continue
		if row.get("resumed_on"):
			# back from hold: the periods that began meanwhile are not invoiced
			row.next_invoice_date = max(
				row.next_invoice_date,
				rules.next_period_start(row.start_date, plan.frequency, today - timedelta(days=1)),
			)
		if row.next_invoice_date > today:
			continue
		periods = rules.periods_due(
			row.start_date, plan.frequency, row.next_invoice_date, today, row.end_date
		)
		row.next_invoice_date = rules.next_period_start(row.start_date, plan.frequency, today)
		if plan.price > 0:
			due.extend((row, period) for period in periods)
	if not due:
		return []
	made = invoiced(names, min(period.start for _row, period in due), today)
	# each date and the line's words formatted once for the run
	shown, line = cache(lambda day: frappe.format(day, "Date")), _("{0}, {1} to {2}")
	drafts = [
		draft(
			row,
			plans[row.plan],
			period,
			today,
			line.format(plans[row.plan].description or row.plan, shown(period.start), shown(period.end)),
		)
		for row, period in due
		if (row.name, period.start) not in made
	]
	return batch.submit(drafts)


def invoiced(names: list[str] | None, first: date, last: date) -> set[tuple[str, date]]:
	"""(subscription, period start) of the periods invoiced already between two days."""
	invoice = DocType(INVOICE)
	query = (
		frappe.qb.from_(invoice)
		.select(invoice.service_subscription, invoice.service_period_start)
		.where(invoice.service_period_start.between(first, last) & invoice.service_subscription.isnotnull())
	)
	if names is not None:
		query = query.where(invoice.service_subscription.isin(names or [""]))
	return {(name, getdate(day)) for name, day in query.run()}


def draft(row, plan, period: rules.Period, today: date, description: str) -> dict:
	return {
		"customer": row.customer,
		"posting_date": today,
		"items": [
			{
				"item_code": plan.name,
				"description": description,
				"qty": 1,
				"rate": plan.price,
			}
		],
		"service_subscription": row.name,
		"service_period_start": period.start,
		"service_period_end": period.end,
	}


# what a person changes on a subscription that its visits show or follow
SCHEDULE_FIELDS = ("plan", "site_address", "assigned_to", "visit_anchor", "start_date", "end_date")


def after_save(doc) -> None:
	"""Service Subscription.on_update: when something its visits show or follow changed, its open
	visits from today on are cancelled; then its visits up to the plan's days ahead are made now,
	as the job would make them tonight (its invoices are left to the job)."""
	today = getdate(nowdate())
	if (
		not doc.is_new()
		and doc.get_doc_before_save()
		and any(doc.has_value_changed(f) for f in SCHEDULE_FIELDS)
	):
		visits.cancel([doc.name], today)
		if doc.visits_made_until and getdate(doc.visits_made_until) >= today:
			doc.visits_made_until = today - timedelta(days=1)
			frappe.db.set_value(
				SUBSCRIPTION, doc.name, "visits_made_until", doc.visits_made_until, update_modified=False
			)
	if doc.flags.visits_by_job:
		# made by the daily job alone (the demo's history is made by running it day by day)
		return
	done = run(today, names=[doc.name], invoices=False)
	# the record as the job left it, so that the form (and a save after it) shows its dates
	for values in done.written.values():
		doc.update(values)
		doc.modified = frappe.db.get_value(SUBSCRIPTION, doc.name, "modified")
