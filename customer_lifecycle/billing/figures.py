"""The money figures each Customer carries, always current: what it was invoiced and paid, what it
owes (its balance), how many invoices it has, the dates of its first and last invoice and of its
last payment, and its retainer balance.

They change in the transaction of every submit and cancel of an invoice or payment, as increments
of the stored values (`UPDATE ... SET f = f + %s`): each takes the customer's row lock, so two
payments at the same moment add up instead of overwriting each other. A date that an increment
cannot move back (the cancelled invoice was the last one) is read again from the records.
`recompute` gives the figures from the records alone, and `drift` compares every customer's stored
figures with them (the `check-figures` command).

A customer saved from a form opened before a payment would write the figures it showed then: the
controller reads them again under the row's lock first (`keep_current`).
"""

import frappe
from frappe.query_builder.functions import Coalesce, Count, Max, Min, Sum
from frappe.utils import flt, getdate

from customer_lifecycle.billing.rules import money
from customer_lifecycle.utils.doctypes import CUSTOMER, INVOICE, PAYMENT

AMOUNTS = ("total_invoiced", "total_paid", "balance", "retainer_balance")
COUNTS = ("invoice_count",)
DATES = ("first_invoice_date", "last_invoice_date", "last_payment_date")
FIGURES = (*AMOUNTS, *COUNTS, *DATES)


def add(customer: str, **deltas) -> None:
	"""Add to the customer's amounts and counts (the others are left as they are), in one UPDATE."""
	deltas = {field: value for field, value in deltas.items() if value}
	if not deltas:
		return
	unknown = set(deltas) - {*AMOUNTS, *COUNTS}
	if unknown:
		raise ValueError(f"not an amount or count: {sorted(unknown)}")
	customer_table = frappe.qb.DocType(CUSTOMER)
	query = frappe.qb.update(customer_table).where(customer_table.name == customer)
	for field, value in deltas.items():
		value = float(money(value)) if field in AMOUNTS else int(value)
		query = query.set(customer_table[field], Coalesce(customer_table[field], 0) + value)
	query.run()


def set_dates(customer: str, **dates) -> None:
	frappe.db.set_value(CUSTOMER, customer, dates, update_modified=False)


def invoice_submitted(invoice) -> None:
	"""Customer Invoice.on_submit: invoiced, owed (what the retainer did not pay), counted, dated."""
	add(
		invoice.customer,
		total_invoiced=invoice.total,
		balance=invoice.outstanding_amount,
		invoice_count=1,
		retainer_balance=-flt(invoice.retainer_drawn),
	)
	current = frappe.db.get_value(
		CUSTOMER, invoice.customer, ["first_invoice_date", "last_invoice_date"], as_dict=True
	)
	posting = getdate(invoice.posting_date)
	dates = {}
	if not current.first_invoice_date or posting < getdate(current.first_invoice_date):
		dates["first_invoice_date"] = posting
	if not current.last_invoice_date or posting > getdate(current.last_invoice_date):
		dates["last_invoice_date"] = posting
	if dates:
		set_dates(invoice.customer, **dates)


def invoices_submitted(names: list[str]) -> None:
	"""invoice_submitted for many invoices submitted at once (billing.batch), in one UPDATE however
	many there are: each customer's figures move by its new invoices, grouped by customer, and its
	first and last invoice dates widen to take them in. Raw SQL: the query builder has no UPDATE ...
	JOIN of a grouped derived table; only the app's own table and column names are in the text."""
	if not names:
		return
	frappe.db.sql(
		f"""update `tab{CUSTOMER}` c join (
			select customer, sum(total) as invoiced, sum(outstanding_amount) as owed, count(*) as invoices,
				min(posting_date) as first_on, max(posting_date) as last_on, sum(coalesce(retainer_drawn, 0)) as drawn
			from `tab{INVOICE}` where name in %(names)s and docstatus = 1 group by customer
		) i on i.customer = c.name
		set c.total_invoiced = coalesce(c.total_invoiced, 0) + i.invoiced,
			c.balance = coalesce(c.balance, 0) + i.owed,
			c.invoice_count = coalesce(c.invoice_count, 0) + i.invoices,
			c.retainer_balance = coalesce(c.retainer_balance, 0) - i.drawn,
			c.first_invoice_date = least(coalesce(c.first_invoice_date, i.first_on), i.first_on),
			c.last_invoice_date = greatest(coalesce(c.last_invoice_date, i.last_on), i.last_on)""",
		{"names": names},
	)


def invoice_cancelled(invoice, outstanding_before: float) -> None:
	"""Customer Invoice.on_cancel: the reverse; the retainer gets back what the invoice drew."""
	add(
		invoice.customer,
		total_invoiced=-flt(invoice.total),
		balance=-flt(outstanding_before),
		invoice_count=-1,
		retainer_balance=flt(invoice.retainer_drawn),
	)
	set_dates(invoice.customer, **invoice_dates(invoice.customer))


def payment_submitted(payment) -> None:
	"""Customer Payment.on_submit: paid; the balance falls by what it paid of invoices; a retainer
	deposit raises the retainer balance instead."""
	add(
		payment.customer,
		total_paid=payment.amount,
		balance=-flt(payment.allocated_amount),
		retainer_balance=flt(payment.amount) if payment.is_retainer_deposit else 0,
	)
	last = frappe.db.get_value(CUSTOMER, payment.customer, "last_payment_date")
	if not last or getdate(payment.posting_date) > getdate(last):
		set_dates(payment.customer, last_payment_date=getdate(payment.posting_date))


def payment_cancelled(payment) -> None:
	add(
		payment.customer,
		total_paid=-flt(payment.amount),
		balance=flt(payment.allocated_amount),
		retainer_balance=-flt(payment.amount) if payment.is_retainer_deposit else 0,
	)
	set_dates(payment.customer, last_payment_date=payment_dates(payment.customer)["last_payment_date"])


def invoice_dates(customer: str) -> dict:
	invoice = frappe.qb.DocType(INVOICE)
	[(first, last)] = (
		frappe.qb.from_(invoice)
		.select(Min(invoice.posting_date), Max(invoice.posting_date))
		.where((invoice.customer == customer) & (invoice.docstatus == 1))
		.run()
	)
	return {"first_invoice_date": first, "last_invoice_date": last}


def payment_dates(customer: str) -> dict:
	payment = frappe.qb.DocType(PAYMENT)
	[(last,)] = (
		frappe.qb.from_(payment)
		.select(Max(payment.posting_date))
		.where((payment.customer == customer) & (payment.docstatus == 1))
		.run()
	)
	return {"last_payment_date": last}


def recompute(customers: list[str] | None = None) -> dict[str, frappe._dict]:
	"""Every figure of these customers (of all, by default), from their submitted invoices and
	payments alone: one GROUP BY customer over each table."""
	invoice, payment = frappe.qb.DocType(INVOICE), frappe.qb.DocType(PAYMENT)

	def submitted(table, *figures):
		# the customer, then `figures`, of the table's submitted rows grouped by customer
		query = frappe.qb.from_(table).select(table.customer, *figures).where(table.docstatus == 1)
		if customers is not None:
			query = query.where(table.customer.isin(customers or [""]))
		return query.groupby(table.customer)

	invoices = submitted(
		invoice,
		Sum(invoice.total),
		Sum(invoice.outstanding_amount),
		Count("*"),
		Min(invoice.posting_date),
		Max(invoice.posting_date),
		Sum(Coalesce(invoice.retainer_drawn, 0)),
	)
	payments = submitted(
		payment,
		Sum(payment.amount),
		Max(payment.posting_date),
		Sum(payment.amount * payment.is_retainer_deposit),
	)
	out: dict[str, frappe._dict] = {}

	def row(customer):
		return out.setdefault(
			customer,
			frappe._dict({**dict.fromkeys(AMOUNTS, 0.0), "invoice_count": 0, **dict.fromkeys(DATES)}),
		)

	for customer, total, outstanding, count, first, last, drawn in invoices.run():
		figures = row(customer)
		figures.update(
			total_invoiced=float(money(total)),
			balance=float(money(outstanding)),
			invoice_count=int(count),
			first_invoice_date=first,
			last_invoice_date=last,
			retainer_balance=-float(money(drawn)),
		)
	for customer, paid, last, deposits in payments.run():
		figures = row(customer)
		figures.update(
			total_paid=float(money(paid)),
			last_payment_date=last,
			retainer_balance=float(money(figures.retainer_balance) + money(deposits)),
		)
	return out


def drift(fix: bool = False) -> list[tuple[str, str, object, object]]:
	"""(customer, figure, stored, from the records) for every stored figure that differs from what
	the records give; with `fix`, the stored ones are corrected."""
	actual = recompute()
	found = []
	stored = frappe.get_all(CUSTOMER, fields=["name", *FIGURES], limit_page_length=0)
	for row in stored:
		expected = actual.get(row.name) or empty()
		wrong = {field: expected[field] for field in FIGURES if not same(field, row[field], expected[field])}
		for field, value in wrong.items():
			found.append((row.name, field, row[field], value))
		if wrong and fix:
			frappe.db.set_value(CUSTOMER, row.name, wrong, update_modified=False)
	return found


def refresh(customer: str) -> None:
	"""Store the customer's figures as its records give them (a merge gave it another's records)."""
	frappe.db.set_value(
		CUSTOMER, customer, dict(recompute([customer]).get(customer) or empty()), update_modified=False
	)


def write_all() -> None:
	"""Store every customer's figures from its records, in three statements whatever the number of
	customers: zero them, then one UPDATE joined to the invoices grouped by customer and one to the
	payments (the upgrade of a site that had invoices before the figures, and the demo's bulk data).
	Raw SQL: the query builder has no UPDATE ... JOIN of a grouped derived table; only the app's own
	table and column names are in the text."""
	blank = ", ".join(f"`{field}` = 0" for field in (*AMOUNTS, *COUNTS))
	frappe.db.sql(
		f"update `tab{CUSTOMER}` set {blank}, first_invoice_date = null, last_invoice_date = null, last_payment_date = null"
	)
	frappe.db.sql(
		f"""update `tab{CUSTOMER}` c join (
			select customer, sum(total) as invoiced, sum(outstanding_amount) as owed, count(*) as invoices,
				min(posting_date) as first_on, max(posting_date) as last_on, sum(coalesce(retainer_drawn, 0)) as drawn
			from `tab{INVOICE}` where docstatus = 1 group by customer
		) i on i.customer = c.name
		set c.total_invoiced = i.invoiced, c.balance = i.owed, c.invoice_count = i.invoices,
			c.first_invoice_date = i.first_on, c.last_invoice_date = i.last_on, c.retainer_balance = -i.drawn"""
	)
	frappe.db.sql(
		f"""update `tab{CUSTOMER}` c join (
			select customer, sum(amount) as paid, max(posting_date) as last_on,
				sum(amount * is_retainer_deposit) as deposits
			from `tab{PAYMENT}` where docstatus = 1 group by customer
		) p on p.customer = c.name
		set c.total_paid = p.paid, c.last_payment_date = p.last_on,
			c.retainer_balance = c.retainer_balance + p.deposits"""
	)


def empty() -> frappe._dict:
	return frappe._dict({**dict.fromkeys(AMOUNTS, 0.0), "invoice_count": 0, **dict.fromkeys(DATES)})


def same(field: str, stored, expected) -> bool:
	if field in DATES:
		return (getdate(stored) if stored else None) == (getdate(expected) if expected else None)
	if field in COUNTS:
		return int(stored or 0) == int(expected or 0)
	return money(stored) == money(expected)


def keep_current(doc) -> None:
	"""Customer.validate: the figures as the database holds them now, read under the row's lock, so
	that a save from a form opened before a payment writes them as they are."""
	if doc.is_new():
		for field, value in empty().items():
			doc.set(field, value)
		return
	# Frappe's save has just read the row under its lock (load_doc_before_save, for_update): the
	# figures are taken from it, one query less per save; a validate run outside a save reads them
	before = doc.get_doc_before_save()
	if before is not None:
		current = {field: before.get(field) for field in FIGURES}
	else:
		current = frappe.db.get_value(CUSTOMER, doc.name, list(FIGURES), as_dict=True, for_update=True)
	if current:
		doc.update(current)
