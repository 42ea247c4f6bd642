"""The customer analytics reports: each report's figures against hand-computed ones on a small
dataset made here (its own customer category, so the site's other data stays out), who may run
them, User Permissions, Prepared Reports, and a query count that does not grow with the data."""

import json
import uuid

import frappe
import pytest
from frappe.core.doctype.prepared_report.prepared_report import generate_report, make_prepared_report
from frappe.desk import query_report
from frappe.utils import add_days, add_to_date, getdate, now_datetime, nowdate

from customer_lifecycle.analytics import queries
from customer_lifecycle.benchmarks.reports import REPORTS, counting_queries, query_count, report_runner
from customer_lifecycle.demo.customers import CHANGE_ROW_FIELDS, change_row
from customer_lifecycle.lifecycle.engine import get_settings
from customer_lifecycle.lifecycle.rules import Transition
from customer_lifecycle.utils.doctypes import CHANGE_LOG
from tests.factories import make_invoice, make_payment
from tests.helpers import as_user

DAY = 86400
# the reports a Customer User may run too (each refuses outsiders itself: test_at_risk, test_billing)
OPEN_TO_CUSTOMER_USERS = ("At-Risk Customers", "Receivables Aging")
# the reports that read every invoice or payment of a period: seconds at 1M invoices, so run in the
# background and read when done; the ones over every customer's lifetime read the stored figures, live
PREPARED = queries.PREPARED_REPORTS
LIVE = queries.LIVE_REPORTS


def run(title: str, **filters):
	return report_runner(title, filters)()


def by_customer(rows) -> dict:
	return {r["customer"]: r for r in rows}


@pytest.fixture
def shop(make_customer, active_customer):
	"""Three customers of a category of their own, made today. `a` is active, with invoices of 100
	(60 days ago, due 30 days ago) and 300 (10 days ago, due in 20 days) and a payment of 100 today for
	the first one (30 days after its due date); `b` is active, with one unpaid, overdue invoice of 50
	from 400 days ago; `c` is a prospect with nothing billed."""
	category = frappe.get_doc(
		{"doctype": "Customer Category", "category_name": f"Reports {uuid.uuid4().hex[:8]}"}
	).insert()
	a = active_customer(customer_category=category.name)
	b = active_customer(customer_category=category.name)
	c = make_customer(customer_category=category.name)
	first = make_invoice(a.name, items=((1, 100),), days_ago=60)
	make_invoice(a.name, items=((3, 100),), days_ago=10)
	make_invoice(b.name, items=((1, 50),), days_ago=400)
	make_payment(a.name, 100, allocations=[(first.name, 100)], posting_date=nowdate())
	shop = frappe._dict(category=category.name, a=a.name, b=b.name, c=c.name, first=first.name)
	set_history(shop)
	return shop


def set_history(shop) -> None:
	"""Give the shop's customers a known lifecycle history, written today, whatever automation did:
	a stayed 1 day in the first state and 2 in onboarding, b 3 and 4; both are active since 4 days;
	c is in the first state since 2 days."""
	settings, first = get_settings(), queries.workflow_states()[0]
	frappe.db.delete(CHANGE_LOG, {"customer": ("in", [shop.a, shop.b, shop.c])})
	moves = (
		Transition(first, "Start Onboarding", settings.onboarding_state, ""),
		Transition(settings.onboarding_state, "Activate", settings.active_state, ""),
	)
	rows = [
		change_row(customer, move, now_datetime(), days * DAY, "Administrator")
		for customer, stays in ((shop.a, (1, 2)), (shop.b, (3, 4)))
		for move, days in zip(moves, stays, strict=True)
	]
	frappe.db.bulk_insert(CHANGE_LOG, CHANGE_ROW_FIELDS, rows)
	for customer, state, days in (
		(shop.a, settings.active_state, 4),
		(shop.b, settings.active_state, 4),
		(shop.c, first, 2),
	):
		frappe.db.set_value(
			"Customer",
			customer,
			{"lifecycle_status": state, "lifecycle_since": add_to_date(now_datetime(), days=-days)},
			update_modified=False,
		)


# ---- the figures ----


def test_lifetime_value(shop):
	_columns, rows, _message, chart = run("Customer Lifetime Value", customer_category=shop.category)

	assert [r.customer for r in rows] == [shop.a, shop.b]  # by revenue; c has no invoices
	a, b = rows
	assert (a.revenue, a.invoices, a.average_invoice, a.paid, a.outstanding) == (400, 2, 200, 100, 300)
	assert (a.first_invoice, a.last_invoice) == (
		getdate(add_days(nowdate(), -60)),
		getdate(add_days(nowdate(), -10)),
	)
	assert a.last_payment == getdate(nowdate())
	assert a.avg_days_late == 30
	assert a.payment_behaviour == queries.LATE
	assert (b.revenue, b.invoices, b.paid, b.outstanding, b.last_payment) == (50, 1, 0, 50, None)
	assert b.payment_behaviour == queries.OVERDUE
	assert chart["data"]["datasets"][0]["values"] == [400, 50]

	_columns, [only] = run("Customer Lifetime Value", customer=shop.b)[:2]
	assert only.customer == shop.b


def test_lifetime_value_of_a_customer_that_only_paid(shop, active_customer):
	"""A customer with payments and no invoices has a row (every figure of its invoices 0), last."""
	d = active_customer(customer_category=shop.category).name
	make_payment(d, 70)  # nothing to allocate it to: all of it unallocated

	rows = run("Customer Lifetime Value", customer_category=shop.category)[1]

	assert [r.customer for r in rows] == [shop.a, shop.b, d]
	d_row = rows[-1]
	assert (d_row.revenue, d_row.invoices, d_row.average_invoice, d_row.outstanding) == (0, 0, 0, 0)
	assert (d_row.paid, d_row.last_payment) == (70, getdate(nowdate()))
	assert (d_row.first_invoice, d_row.last_invoice, d_row.avg_days_late) == (None, None, None)
	assert d_row.payment_behaviour == queries.NO_INVOICES


def test_reports_name_customers_as_they_are_named_now(shop):
	"""A customer renamed (or anonymized) after it was invoiced and paid is listed under its name
	now, not the one copied onto its invoices and payments."""
	frappe.db.set_value("Customer", shop.a, "customer_name", "Renamed Since Ltd", update_modified=False)
	wide = {"from_date": add_days(nowdate(), -500), "to_date": nowdate(), "customer_category": shop.category}
	for title in ("Customer Lifetime Value", "Revenue by Customer", "Customer Payments", "Customer Overview"):
		assert by_customer(run(title, **wide)[1])[shop.a].customer_name == "Renamed Since Ltd", title


def test_revenue_by_customer_for_a_date_range(shop):
	recent = {"from_date": add_days(nowdate(), -90), "to_date": nowdate(), "customer_category": shop.category}
	_columns, rows, _message, chart = run("Revenue by Customer", **recent)

	[a] = rows
	assert a.customer == shop.a
	assert (a.invoices, a.revenue, a.paid, a.outstanding, a.average_invoice, a.share) == (
		2,
		400,
		100,
		300,
		200,
		100,
	)
	assert chart["data"]["labels"] == [a.customer_name]

	whole = run("Revenue by Customer", **{**recent, "from_date": add_days(nowdate(), -500)})[1]
	shares = {r.customer: r.share for r in whole}
	assert shares == {shop.a: 88.89, shop.b: 11.11}

	with pytest.raises(frappe.ValidationError, match="From Date"):
		run("Revenue by Customer", from_date=nowdate(), to_date=add_days(nowdate(), -1))


def test_customer_payments_for_a_date_range(shop):
	make_payment(shop.b, 20, posting_date=add_days(nowdate(), -200), method="Cash")
	columns, rows, _message, chart = run(
		"Customer Payments",
		from_date=add_days(nowdate(), -90),
		to_date=nowdate(),
		customer_category=shop.category,
	)

	[a] = rows
	assert (a.customer, a.payments, a.amount, a.allocated, a.unallocated) == (shop.a, 1, 100, 100, 0)
	method = {c["label"]: c["fieldname"] for c in columns}
	assert a[method["Bank Transfer"]] == 100 and a[method["Cash"]] == 0
	assert chart["data"]["labels"] == ["Bank Transfer"] and chart["data"]["datasets"][0]["values"] == [100]

	both = run("Customer Payments", from_date=add_days(nowdate(), -365), customer_category=shop.category)[1]
	assert {r.customer: r.amount for r in both} == {shop.a: 100, shop.b: 20}


def test_lifecycle_funnel_of_the_customers_made_in_the_range(shop):
	settings = get_settings()
	states = queries.workflow_states()
	_columns, rows, _message, chart = run(
		"Lifecycle Funnel", from_date=nowdate(), to_date=nowdate(), customer_category=shop.category
	)

	assert [r.state for r in rows] == states
	row = {r.state: r for r in rows}
	first, onboarding, active = row[states[0]], row[settings.onboarding_state], row[settings.active_state]
	assert (first.reached, first.of_cohort, first.current) == (3, 100, 1)
	assert (onboarding.reached, onboarding.of_cohort, onboarding.current) == (2, 66.67, 0)
	assert (active.reached, active.of_previous, active.current) == (2, 100, 2)
	assert row[settings.dormant_state].reached == 0
	assert chart["data"]["datasets"][0]["values"] == [r.reached for r in rows]

	# customers made before the range are not in the cohort, but are counted where they are now
	earlier = run(
		"Lifecycle Funnel",
		from_date=add_days(nowdate(), -30),
		to_date=add_days(nowdate(), -1),
		customer_category=shop.category,
	)[1]
	assert [r.reached for r in earlier] == [0] * len(states)
	assert sum(r.current for r in earlier) == 3


def test_time_in_stage_from_the_lifecycle_log(shop):
	settings = get_settings()
	first = queries.workflow_states()[0]
	_columns, rows, _message, chart = run(
		"Time in Stage", from_date=nowdate(), to_date=nowdate(), customer_category=shop.category
	)

	row = {r.state: r for r in rows}
	assert (row[first].exits, row[first].avg_days, row[first].min_days, row[first].max_days) == (2, 2, 1, 3)
	onboarding = row[settings.onboarding_state]
	assert (onboarding.exits, onboarding.avg_days, onboarding.current) == (2, 3, 0)
	assert (row[first].current, row[first].current_avg_days) == (1, 2)
	active = row[settings.active_state]
	assert (active.exits, active.avg_days, active.current, active.current_avg_days) == (0, None, 2, 4)
	assert chart["data"]["labels"] == [r.state_label for r in rows]


def test_customer_overview(shop):
	recent = {"from_date": add_days(nowdate(), -90), "to_date": nowdate(), "customer_category": shop.category}
	_columns, rows, _message, _chart, summary = run("Customer Overview", **recent)

	figures = {s["label"]: s["value"] for s in summary}
	assert figures == {
		"Total Customers": 3,
		"New in Period": 3,
		"Buying Customers": 1,
		"Revenue": 400,
		"Average Customer Value": 400,
		"Purchase Frequency": 2,
		# lifetime, from the customers' stored figures, whatever the period: a's 400 and b's 50
		"Customers Ever Invoiced": 2,
		"Lifetime Revenue": 450,
		"Outstanding": 350,
	}
	assert [(r.rank, r.customer, r.revenue, r.invoices, r.share) for r in rows] == [(1, shop.a, 400, 2, 100)]

	longer = {**recent, "from_date": add_days(nowdate(), -500)}
	figures = {s["label"]: s["value"] for s in run("Customer Overview", **longer)[4]}
	assert (figures["Buying Customers"], figures["Revenue"]) == (2, 450)
	assert (figures["Average Customer Value"], figures["Purchase Frequency"]) == (225, 1.5)
	assert [r.customer for r in run("Customer Overview", **longer, top=1)[1]] == [shop.a]
	with pytest.raises(frappe.ValidationError, match="Top"):
		run("Customer Overview", **longer, top=0)


def test_customer_summary_has_the_purchase_figures(shop):
	from customer_lifecycle.customers.summary import customer_summary

	summary = customer_summary(shop.a)
	assert (summary["total_spent"], summary["invoice_count"], summary["average_invoice"]) == (400, 2, 200)
	assert summary["balance"] == 300
	assert summary["first_invoice"] == getdate(add_days(nowdate(), -60))
	assert summary["last_invoice"] == getdate(add_days(nowdate(), -10))
	empty = customer_summary(shop.c)
	assert (empty["total_spent"], empty["invoice_count"], empty["first_invoice"]) == (0, 0, None)


# ---- who may run them ----


@pytest.mark.parametrize("title", [t for t in REPORTS if t not in OPEN_TO_CUSTOMER_USERS])
def test_customer_users_and_outsiders_are_refused(title, personas):
	"""Refused by execute() itself and by the desk's entry point; a Customer Manager gets the report
	through the desk's entry point."""
	filters = {"from_date": nowdate(), "to_date": nowdate(), "customer": "CUST-NONE-00000"}
	for persona in ("user", "outsider"):
		with as_user(personas[persona]):
			with pytest.raises(frappe.PermissionError):
				run(title)
			with pytest.raises(frappe.PermissionError):
				query_report.run(title, filters)
	with as_user(personas["manager"]):
		# Frappe turns a report into a Prepared Report once a run took over 15 s: run it here anyway
		assert query_report.run(title, filters, ignore_prepared_report=True)["columns"]


def test_user_permissions_narrow_every_report(shop, personas):
	"""A manager restricted to customer a sees only a's figures."""
	restriction = frappe.get_doc(
		{"doctype": "User Permission", "user": personas["manager"], "allow": "Customer", "for_value": shop.a}
	).insert()
	try:
		with as_user(personas["manager"]):
			wide = {"from_date": add_days(nowdate(), -500), "customer_category": shop.category}
			assert [
				r.customer for r in run("Customer Lifetime Value", customer_category=shop.category)[1]
			] == [shop.a]
			assert [r.customer for r in run("Revenue by Customer", **wide)[1]] == [shop.a]
			figures = {s["label"]: s["value"] for s in run("Customer Overview", **wide)[4]}
			assert (figures["Total Customers"], figures["Revenue"]) == (1, 400)
			funnel = run("Lifecycle Funnel", from_date=nowdate(), customer_category=shop.category)[1]
			assert funnel[0].reached == 1
	finally:
		restriction.delete()  # clears the user's cached permissions too


def test_the_reports_of_every_invoice_are_prepared_and_the_lifetime_ones_live():
	assert {title for title in REPORTS if frappe.db.get_value("Report", title, "prepared_report")} == set(
		PREPARED
	)
	assert set(LIVE) <= set(REPORTS) and not set(LIVE) & set(PREPARED)


@pytest.fixture
def generated_here(monkeypatch):
	"""Prepared Reports are generated in this process only: Frappe queues a job for each, released
	when the transaction commits, and generate_report's first step commits, so the worker would
	generate the same report at the same time (Frappe 15.9x)."""
	from frappe.core.doctype.prepared_report import prepared_report as module

	real = module.enqueue
	monkeypatch.setattr(
		module,
		"enqueue",
		lambda method, **kwargs: None if method is module.generate_report else real(method, **kwargs),
	)


def test_runs_as_a_prepared_report(shop, personas, generated_here):
	with as_user(personas["manager"]):
		filters = {
			"customer_category": shop.category,
			"from_date": add_days(nowdate(), -500),
			"to_date": nowdate(),
		}
		name = make_prepared_report("Revenue by Customer", filters)["name"]
		prepared = frappe.get_doc("Prepared Report", name)
		generate_report(prepared.name)
		prepared.reload()
		assert prepared.status == "Completed", prepared.error_message
		result = json.loads(prepared.get_prepared_data())
	assert [r["customer"] for r in result["result"] if isinstance(r, dict)] == [shop.a, shop.b]


@pytest.mark.parametrize("title", PREPARED)
def test_the_prepared_result_is_the_live_one(title, shop, personas, generated_here):
	"""What the desk shows on opening a Prepared Report (the result prepared in the background for
	the user and the filters) holds the rows a live run gives them."""
	filters = {
		"from_date": add_days(nowdate(), -500),
		"to_date": nowdate(),
		"customer_category": shop.category,
	}
	with as_user(personas["manager"]):
		live = run(title, **filters)[1]
		name = make_prepared_report(title, filters)["name"]
		try:
			generate_report(name)
			assert frappe.db.get_value("Prepared Report", name, "status") == "Completed"
			opened = query_report.run(title, filters)
		finally:
			# generate_report commits: the prepared report and its file are removed here
			frappe.delete_doc("Prepared Report", name, ignore_permissions=True, force=True)
	assert opened["prepared_report"] and opened["doc"].name == name
	# the rows, then (a list) the total row of the reports that add one
	assert [r["customer"] for r in opened["result"] if isinstance(r, dict)] == [r.customer for r in live]
	assert shop.a in {r.customer for r in live}


# ---- a fixed number of queries ----


def test_query_count_does_not_grow_with_the_data(shop, active_customer):
	"""Every report makes as many queries over the small dataset as over one with more customers,
	invoices and payments."""
	filters = {
		"from_date": add_days(nowdate(), -500),
		"to_date": nowdate(),
		"customer_category": shop.category,
	}
	small = {title: query_count(report_runner(title, filters)) for title in REPORTS}

	for _i in range(4):
		customer = active_customer(customer_category=shop.category).name
		for days_ago in (5, 50, 150):
			invoice = make_invoice(customer, items=((2, 75),), days_ago=days_ago)
			make_payment(customer, 150, allocations=[(invoice.name, 150)])
	larger = {title: query_count(report_runner(title, filters)) for title in REPORTS}

	assert larger == small
	assert len(run("Customer Lifetime Value", customer_category=shop.category)[1]) == 6
	with counting_queries() as calls:
		run("Customer Overview", **filters)
	# after the access checks: the customer counts, the period's totals and the top customers
	assert sum("tabCustomer Invoice" in q for q in calls) == 2


@pytest.mark.parametrize("few", [queries.FEW_IN_OTHER_CURRENCY, 0])
def test_a_report_leaves_out_the_customers_in_another_currency(active_customer, monkeypatch, few):
	"""The few customers billed in another currency are left out by name (a list, not a semi-join on
	every other customer); past FEW_IN_OTHER_CURRENCY, by the semi-join: the same rows either way."""
	from customer_lifecycle.analytics.report.revenue_by_customer.revenue_by_customer import execute

	monkeypatch.setattr(queries, "FEW_IN_OTHER_CURRENCY", few)
	frappe.db.set_value("Currency", "EUR", "enabled", 1)
	pound = active_customer()
	make_invoice(pound.name, items=((1, 70),))
	euro = active_customer(currency="EUR")
	make_invoice(euro.name, items=((1, 90),))
	scope, values = queries.customer_scope(frappe._dict(), "customer")
	if few:
		assert "not in %(in_other_currency)s" in scope and "select" not in scope
		assert euro.name in values["in_other_currency"] and pound.name not in values["in_other_currency"]
	else:
		assert "in (select" in scope and "in_other_currency" not in values
	shown = {row.customer: row.revenue for row in execute({})[1]}
	assert shown.get(pound.name) == 70 and euro.name not in shown
	# and every report of the app runs with its default filters while that customer is there
	for report in frappe.get_all(
		"Report",
		filters={"module": ["in", frappe.get_module_list("customer_lifecycle")], "is_standard": "Yes"},
		pluck="name",
	):
		assert query_report.run(report, filters={}, ignore_prepared_report=True)["result"] is not None, report
