"""Submitted Customer Invoices in bulk, for a job that raises many at once (a service plan's period
invoices). Each is what the Customer Invoice controller makes of the same draft, by its own steps:
the billing gate (gate.check_state), the customer's currency (or the firm's), the due date by the
customer's payment terms (terms.terms_of_many, terms.due_date_by), the amounts, the refusal of an
empty invoice and the status (invoices.set_amounts, check_total, status_of), a name from the same
naming series. They are written with one INSERT per table, and every customer's figures move in one
UPDATE (figures.invoices_submitted): the number of queries does not grow with the number of invoices.

What the controller does and this does not: rates from Customer Rates (a draft carries its rates),
an engagement, drawing from the retainer, and the Version row and other apps' document hooks of each
invoice. A caller that needs those submits through the controller.
"""

import frappe
from frappe.utils import getdate, now_datetime, nowdate

from customer_lifecycle.billing import figures, gate, invoices, terms
from customer_lifecycle.billing.currency import default_currency
from customer_lifecycle.utils.bulk import insert_rows
from customer_lifecycle.utils.doctypes import CUSTOMER, INVOICE, INVOICE_ITEM, STATE_FIELD
from customer_lifecycle.utils.naming import reserve_names


def submit(drafts: list[dict]) -> list[str]:
	"""Make and submit an invoice of each draft ({customer, posting_date, items: [{description, qty,
	rate, item_code}], and any other Customer Invoice fields}); their names, in the drafts' order.
	A customer that may not be billed, or an empty invoice, is refused as the controller refuses it,
	and nothing is written."""
	if not drafts:
		return []
	customers = {
		row.name: row
		for row in frappe.get_all(
			CUSTOMER,
			filters={"name": ("in", list({d["customer"] for d in drafts}))},
			fields=["name", "customer_name", STATE_FIELD, "currency", "invoice_notes"],
		)
	}
	customer_terms = terms.terms_of_many(list(customers))
	firm_currency = default_currency()
	series = frappe.get_meta(INVOICE).get_field("naming_series").default
	today = getdate(nowdate())
	made = [
		prepare(draft, customers[draft["customer"]], customer_terms[draft["customer"]], firm_currency, today)
		for draft in drafts
	]
	now, user = now_datetime(), frappe.session.user
	standard = {"creation": now, "modified": now, "owner": user, "modified_by": user, "docstatus": 1}
	rows, items = [], []
	for name, invoice in zip(reserve_names(series, len(made)), made, strict=True):
		rows.append({**standard, "idx": 0, "naming_series": series, **invoice.fields(), "name": name})
		items.extend(
			{**standard, **row, "name": frappe.generate_hash(length=10), "parent": name}
			for row in invoice.items
		)
	insert_rows(INVOICE, rows)
	insert_rows(INVOICE_ITEM, items)
	names = [row["name"] for row in rows]
	figures.invoices_submitted(names)
	return names


class Draft(frappe._dict):
	"""An invoice being made: its rows are `items`, as on the controller's document (a plain dict
	would answer with its items() method)."""

	@property
	def items(self) -> list:
		return self["items"]

	def fields(self) -> dict:
		"""The invoice's own columns."""
		return {key: self[key] for key in self.keys() if key != "items"}


def prepare(
	draft: dict, customer: frappe._dict, customer_terms: dict, firm_currency: str | None, today
) -> Draft:
	"""The draft as the controller would validate and submit it (no name yet)."""
	gate.check_state(customer.name, customer.get(STATE_FIELD), INVOICE)
	invoice = Draft(draft)
	invoice.docstatus = 0
	invoice["items"] = [
		frappe._dict(row, idx=idx, parenttype=INVOICE, parentfield="items")
		for idx, row in enumerate(draft["items"], 1)
	]
	invoice.customer_name = customer.customer_name
	invoice.currency = customer.currency or firm_currency
	invoice.invoice_notes = invoice.get("invoice_notes") or customer.invoice_notes
	invoice.posting_date = getdate(invoice.posting_date)
	invoice.due_date = invoice.get("due_date") or terms.due_date_by(customer_terms, invoice.posting_date)
	invoices.set_amounts(invoice)
	invoices.check_total(invoice)
	# submitted, nothing drawn from the retainer: all of it is owed
	invoice.docstatus = 1
	invoice.draw_from_retainer = 0
	invoice.retainer_drawn = 0
	invoice.outstanding_amount = invoice.total
	invoice.status = invoices.status_of(invoice, today)
	return invoice
