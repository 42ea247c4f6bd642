"""A firm's last 18 months of billing, in bulk: engagements, invoices and payments for the customers who
reached the active state, with on-time, late and partial payers, some overdue, invoicing stopping
where a customer went quiet; customer and category rates; retainers for a few.

Rows go in with bulk inserts, not a controller per row, but through the functions the app computes
with: a payment's allocation (rules.allocate), an invoice's status (rules.invoice_status), its due
date (rules.due_date), and each customer's stored money figures (figures.write_all).
"""

import random
from datetime import datetime, time, timedelta

import frappe
from frappe.utils import cint, getdate, now, nowdate

from customer_lifecycle.billing import figures, rules
from customer_lifecycle.billing.currency import default_currency
from customer_lifecycle.demo.customers import STANDARD_FIELDS, read_customers, read_history
from customer_lifecycle.lifecycle.engine import get_settings
from customer_lifecycle.utils.doctypes import (
	ALLOCATION,
	CUSTOMER,
	ENGAGEMENT,
	INVOICE,
	INVOICE_ITEM,
	PAYMENT,
	RATE,
)
from customer_lifecycle.utils.naming import reserve_names

# the columns of the rows BillingRows makes, in the order it gives the values
CHILD_FIELDS = (*STANDARD_FIELDS, "parent", "parenttype", "parentfield")
DOCUMENT_FIELDS = (*STANDARD_FIELDS, "naming_series", "customer", "customer_name", "currency", "posting_date")
INVOICE_FIELDS = (*DOCUMENT_FIELDS, "due_date", "status", "total", "outstanding_amount", "engagement")
PAYMENT_FIELDS = (
	*DOCUMENT_FIELDS,
	"amount",
	"method",
	"reference",
	"allocate_oldest_first",
	"allocated_amount",
	"unallocated_amount",
	"is_retainer_deposit",
)
ALLOCATION_FIELDS = (*CHILD_FIELDS, "invoice", "due_date", "outstanding_amount", "allocated_amount")
ITEM_FIELDS = (*CHILD_FIELDS, "item_code", "description", "qty", "rate", "amount")
ENGAGEMENT_FIELDS = (
	*STANDARD_FIELDS,
	"naming_series",
	"title",
	"customer",
	"customer_name",
	"status",
	"due_date",
	"delivered_on",
)
RATE_FIELDS = (
	*STANDARD_FIELDS,
	"item_code",
	"description",
	"rate",
	"currency",
	"customer",
	"customer_category",
)

# the work a firm bills: item code, description, usual rate
SERVICES = (
	("CONSULT", "Consulting (hour)", 120.0),
	("BOOKKEEP", "Monthly bookkeeping", 350.0),
	("AUDIT", "Year-end review", 1500.0),
	("SUPPORT", "Support plan", 90.0),
	("TRAINING", "Training session", 480.0),
)
HOURLY = ("CONSULT", "SUPPORT")
ENGAGEMENT_TITLES = (
	"Annual accounts",
	"Tax return",
	"Payroll set-up",
	"Audit support",
	"Advisory",
	"Migration",
)
# how a customer pays: weight, days from the invoice to the payment (None: never), share of the total
PAYERS = {
	"on time": (76, (3, 25), 1.0),
	"late": (12, (35, 90), 1.0),
	"partial": (8, (10, 40), 0.5),
	"slow": (4, None, 0.0),
}
HISTORY_DAYS = 548  # 18 months


class BillingRows:
	"""Submitted rows for bulk inserts (the *_FIELDS above), made by the session user, in the firm's
	currency; invoices and payments carry the naming series new ones get. A document is created on
	its posting day (the dormancy job reads when activity was recorded); other rows now, unless a
	moment is given."""

	def __init__(self):
		self.stamp, self.user, self.currency = now(), frappe.session.user, default_currency()
		self.series = {doctype: first_series(doctype) for doctype in (INVOICE, PAYMENT, ENGAGEMENT)}

	def standard(self, name: str, idx: int = 0, docstatus: int = 1, when=None) -> tuple:
		when = when or self.stamp
		return (name, when, when, self.user, self.user, docstatus, idx)

	def child(self, parent: str, parenttype: str, parentfield: str, idx: int = 1, when=None) -> tuple:
		row = self.standard(frappe.generate_hash(length=10), idx=idx, when=when)
		return (*row, parent, parenttype, parentfield)

	def document(self, doctype: str, name: str, customer: str, customer_name: str, posted) -> tuple:
		return (
			*self.standard(name, when=at_work(posted)),
			self.series[doctype],
			customer,
			customer_name,
			self.currency,
			posted,
		)

	def invoice(
		self, name, customer, customer_name, posted, due, status, total, outstanding, engagement=None
	):
		return (
			*self.document(INVOICE, name, customer, customer_name, posted),
			due,
			status,
			total,
			outstanding,
			engagement,
		)

	def payment(
		self,
		name,
		customer,
		customer_name,
		posted,
		amount,
		method,
		reference=None,
		allocated=None,
		deposit=0,
		oldest_first=1,
	):
		"""A payment, allocated in full unless `allocated` says otherwise (a deposit allocates nothing);
		`oldest_first` 0 for allocations chosen by hand (a payment of one invoice)."""
		allocated = amount if allocated is None else allocated
		return (
			*self.document(PAYMENT, name, customer, customer_name, posted),
			amount,
			method,
			reference,
			oldest_first,
			allocated,
			float(rules.money(amount) - rules.money(allocated)),
			deposit,
		)

	def allocation(self, payment: str, invoice: str, due, outstanding, allocated, when=None) -> tuple:
		row = self.child(payment, PAYMENT, "allocations", when=when)
		return (*row, invoice, due, outstanding, allocated)


def at_work(day) -> datetime:
	"""A moment in the working day of `day` (a date, or a moment kept as it is)."""
	if isinstance(day, datetime):
		return day
	return datetime.combine(getdate(day), time(10, 0))


def first_series(doctype: str) -> str:
	"""The naming series a new document of `doctype` gets."""
	return frappe.get_meta(doctype).get_field("naming_series").options.split("\n")[0]


def active_periods(settings, names: list[str]) -> dict[str, frappe._dict]:
	"""customer -> its name, category, state now, when it became active and when it stopped being
	active (or now), for each of the customers whose history reached the active state."""
	active = settings.active_state
	log = read_history(names)
	customers = {
		c.name: c for c in read_customers(names, ["customer_name", "customer_category", "lifecycle_status"])
	}
	periods = {}
	for row in log:
		if row.to_state == active and row.customer not in periods:
			periods[row.customer] = [row.changed_on, None]
		elif row.from_state == active and row.customer in periods and periods[row.customer][1] is None:
			periods[row.customer][1] = row.changed_on
	moment = datetime.now()
	return {
		customer: frappe._dict(customers[customer], start=start, end=end or moment)
		for customer, (start, end) in periods.items()
		if customer in customers
	}


def make_billing(customers: list[str], seed: int = 1) -> dict:
	"""Rates, engagements, invoices and payments for those of the customers who reached the active
	state, then every customer's stored figures. Returns counts by kind.

	A customer is billed about monthly while it was active, mostly for its regular work, from a
	little after it became active until it left the state, or until now. One active customer in
	twenty-five went quiet longer ago than the settings' dormancy days, so the nightly dormancy job
	has customers to move.
	Every record is dated inside the active period (a record after a customer went dormant would be
	new activity, and bring it back)."""
	rng = random.Random(seed)
	settings = get_settings()
	today = getdate(nowdate())
	quiet_days = cint(settings.dormant_after_days) or 90
	rows = BillingRows()
	periods = active_periods(settings, customers)
	price_list = make_rates(rows, rng, periods)
	engagements, invoices, items, payments, allocations = [], [], [], [], []
	# (customer, customer_name, paid on, amount, invoice, its due date, its total)
	paid_invoices = []
	plan = []
	for customer, period in sorted(periods.items()):
		customer_name, start, end = period.customer_name, period.start, period.end
		payer = rng.choices(list(PAYERS), weights=[w for w, _d, _s in PAYERS.values()])[0]
		first = max(start.date() + timedelta(days=1), today - timedelta(days=HISTORY_DAYS))
		if period.lifecycle_status == settings.active_state:
			last = today
			if rng.random() < 0.04 and (today - first).days > quiet_days + 60:
				last = today - timedelta(days=quiet_days + rng.randint(10, 60))
		else:
			last = end.date() - timedelta(days=1)
		if last < first:
			continue
		dates, day = [], first + timedelta(days=rng.randint(0, 20))
		while day <= last:
			dates.append(day)
			day += timedelta(days=rng.randint(27, 33))
		plan.append((customer, customer_name, payer, first, last, dates))
		# what the customer pays for each service: its own rate, else its category's (rates.find_rates)
		price_list[customer] = {
			**price_list.get(period.customer_category, {}),
			**price_list.get(customer, {}),
		}
	engagement_names = iter(reserve_names(rows.series[ENGAGEMENT], len(plan)))
	invoice_names = iter(reserve_names(rows.series[INVOICE], sum(len(p[5]) for p in plan)))
	for customer, customer_name, payer, first, last, dates in plan:
		engagement = next(engagement_names)
		opened = first + timedelta(days=rng.randint(0, max(0, min(10, (last - first).days))))
		delivered = rng.random() < 0.5 and opened + timedelta(days=14) <= last
		engagements.append(
			(
				*rows.standard(engagement, docstatus=0, when=at_work(opened)),
				rows.series[ENGAGEMENT],
				rng.choice(ENGAGEMENT_TITLES),
				customer,
				customer_name,
				"Delivered" if delivered else rng.choice(("Open", "In Progress", "On Hold")),
				opened + timedelta(days=rng.randint(30, 120)),
				opened + timedelta(days=rng.randint(14, (last - opened).days)) if delivered else None,
			)
		)
		# the customer's regular work, billed most months, and now and then something else
		regular = rng.choice(SERVICES[:2] + SERVICES[3:])
		regular_qty = rng.randint(2, 6) if regular[0] in HOURLY else 1
		for posted in dates:
			name = next(invoice_names)
			code, description, usual = regular if rng.random() < 0.8 else rng.choice(SERVICES)
			rate = price_list[customer].get(code, usual)
			qty = regular_qty if code == regular[0] else (rng.randint(1, 8) if code in HOURLY else 1)
			total = float(rules.money(qty * rate))
			due = rules.due_date(posted, rules.DAYS_AFTER_INVOICE, 30)
			_weight, days, share = PAYERS[payer]
			paid = 0.0
			if days and posted + timedelta(days=days[0]) <= last:
				paid_on = min(last, posted + timedelta(days=rng.randint(*days)))
				[(_invoice, amount)] = rules.allocate(
					total * share, [rules.OpenInvoice(name, rules.money(total), due, posted)]
				)
				paid = float(amount)
				paid_invoices.append((customer, customer_name, paid_on, paid, name, due, total))
			outstanding = float(rules.money(total) - rules.money(paid))
			status = rules.invoice_status(1, total, outstanding, due, today)
			invoices.append(
				rows.invoice(
					name, customer, customer_name, posted, due, status, total, outstanding, engagement
				)
			)
			line = rows.child(name, INVOICE, "items", when=at_work(posted))
			items.append((*line, code, description, qty, rate, total))
	payment_names = reserve_names(rows.series[PAYMENT], len(paid_invoices))
	for name, (customer, customer_name, paid_on, amount, invoice, due, total) in zip(
		payment_names, paid_invoices, strict=True
	):
		method = rng.choice(("Bank Transfer", "Card", "Cash", "Bank Transfer"))
		reference = f"REF-{rng.randint(1000, 9999)}"
		payments.append(
			rows.payment(name, customer, customer_name, paid_on, amount, method, reference, oldest_first=0)
		)
		allocations.append(rows.allocation(name, invoice, due, total, amount, when=at_work(paid_on)))
	frappe.db.bulk_insert(ENGAGEMENT, ENGAGEMENT_FIELDS, engagements)
	frappe.db.bulk_insert(INVOICE, INVOICE_FIELDS, invoices)
	frappe.db.bulk_insert(INVOICE_ITEM, ITEM_FIELDS, items)
	frappe.db.bulk_insert(PAYMENT, PAYMENT_FIELDS, payments)
	frappe.db.bulk_insert(ALLOCATION, ALLOCATION_FIELDS, allocations)
	deposits = make_retainers(rows, rng, [p for p in plan if p[5]])
	# the customers' money figures, as the app keeps them, from the records just written
	figures.write_all()
	return {
		"engagements": len(engagements),
		"invoices": len(invoices),
		"payments": len(payments),
		"retainer deposits": deposits,
	}


def make_rates(rows: BillingRows, rng: random.Random, periods: dict) -> dict[str, dict[str, float]]:
	"""Each category's price list, a little off the usual rates (where the category has none yet),
	and a negotiated rate for one billed customer in twenty. Returns every rate by category or
	customer, then item code."""
	made = []
	have = frappe.get_all(
		RATE, fields=["customer", "customer_category", "item_code", "rate"], limit_page_length=0
	)
	price_list: dict[str, dict[str, float]] = {}
	for row in have:
		price_list.setdefault(row.customer or row.customer_category, {})[row.item_code] = row.rate

	def add(code: str, description: str, rate: float, customer=None, category=None) -> None:
		rate = float(rules.money(rate))
		price_list.setdefault(customer or category, {})[code] = rate
		made.append(
			(
				*rows.standard(frappe.generate_hash(length=10), docstatus=0),
				code,
				description,
				rate,
				rows.currency,
				customer,
				category,
			)
		)

	for category in frappe.get_all("Customer Category", pluck="name"):
		for code, description, rate in SERVICES:
			if code not in price_list.get(category, {}):
				add(code, description, rate * rng.uniform(0.8, 1.2), category=category)
	for customer in sorted(periods):
		if rng.random() < 0.05 and customer not in price_list:
			code, description, rate = rng.choice(SERVICES)
			add(code, description, rate * rng.uniform(0.7, 0.95), customer=customer)
	frappe.db.bulk_insert(RATE, RATE_FIELDS, made)
	return price_list


def make_retainers(rows: BillingRows, rng: random.Random, plan: list) -> int:
	"""A retainer deposit for one customer in fifty, with a threshold to warn below."""
	chosen = [p for p in plan if rng.random() < 0.02]
	names = iter(reserve_names(rows.series[PAYMENT], len(chosen)))
	deposits = []
	for customer, customer_name, _payer, _first, _last, dates in chosen:
		amount = float(rng.choice((500, 1000, 2500)))
		deposits.append(
			rows.payment(
				next(names),
				customer,
				customer_name,
				dates[-1],
				amount,
				"Bank Transfer",
				allocated=0,
				deposit=1,
			)
		)
		frappe.db.set_value(CUSTOMER, customer, "retainer_threshold", amount / 4, update_modified=False)
	frappe.db.bulk_insert(PAYMENT, PAYMENT_FIELDS, deposits)
	return len(deposits)
