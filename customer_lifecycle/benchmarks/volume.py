"""The table sizes a benchmark measures at: customers, and the billing rows the suites bulk-insert
(submitted invoices, payments and their allocations), each row's columns written once here."""

import time

import frappe
from frappe.utils import now

from customer_lifecycle.billing.currency import default_currency
from customer_lifecycle.billing.gate import billable_states
from customer_lifecycle.demo.customers import STANDARD_FIELDS, add_primary_contacts, make_customers
from customer_lifecycle.utils.doctypes import CUSTOMER, INVOICE, PAYMENT

# the columns of the rows BillingRows makes, in the order it gives the values (the standard ones as
# the demo's bulk inserts write them)
CHILD_FIELDS = (*STANDARD_FIELDS, "parent", "parenttype", "parentfield")
DOCUMENT_FIELDS = (*STANDARD_FIELDS, "naming_series", "customer", "customer_name", "currency", "posting_date")
INVOICE_FIELDS = (*DOCUMENT_FIELDS, "due_date", "status", "total", "outstanding_amount")
PAYMENT_FIELDS = (
	*DOCUMENT_FIELDS,
	"amount",
	"method",
	"reference",
	"allocate_oldest_first",
	"allocated_amount",
	"unallocated_amount",
)
ALLOCATION_FIELDS = (*CHILD_FIELDS, "invoice", "due_date", "outstanding_amount", "allocated_amount")


def ensure_customers(count: int, echo=print) -> int:
	"""Make customers in bulk until the site has `count` of them; returns how many it has."""
	frappe.set_user("Administrator")
	have = frappe.db.count("Customer")
	if have < count:
		echo(f"Making {count - have} customers in bulk ...")
		start = time.perf_counter()
		make_customers(count - have, seed=have)
		echo(f"  done in {time.perf_counter() - start:.1f} s")
	# customers of older demo data have no primary Contact yet: their first save would make one
	add_primary_contacts(echo)
	total = frappe.db.count("Customer")
	echo(f"Customers in the table: {total}")
	return total


def billable_customers(limit: int) -> list[dict]:
	"""The first `limit` customers by name in a state that may be billed: name and customer_name."""
	return frappe.get_all(
		CUSTOMER,
		filters={"lifecycle_status": ("in", billable_states())},
		fields=["name", "customer_name"],
		order_by="name",
		limit=limit,
	)


def first_series(doctype: str) -> str:
	"""The naming series a new document of `doctype` gets."""
	return frappe.get_meta(doctype).get_field("naming_series").options.split("\n")[0]


class BillingRows:
	"""Submitted rows for bulk inserts (the *_FIELDS above), made now by the session user; invoices
	and payments carry the naming series new ones get."""

	def __init__(self):
		self.stamp, self.user, self.currency = now(), frappe.session.user, default_currency()
		self.series = {doctype: first_series(doctype) for doctype in (INVOICE, PAYMENT)}

	def standard(self, name: str, idx: int = 0) -> tuple:
		return (name, self.stamp, self.stamp, self.user, self.user, 1, idx)

	def child(self, parent: str, parenttype: str, parentfield: str) -> tuple:
		"""The first row of the parent's table, named by a random hash."""
		return (*self.standard(frappe.generate_hash(length=10), idx=1), parent, parenttype, parentfield)

	def invoice(
		self, name: str, customer: str, customer_name: str, posted, due, status: str, total, outstanding
	) -> tuple:
		return (
			*self.standard(name),
			self.series[INVOICE],
			customer,
			customer_name,
			self.currency,
			posted,
			due,
			status,
			total,
			outstanding,
		)

	def payment(
		self, name: str, customer: str, customer_name: str, posted, amount, method: str, reference=None
	) -> tuple:
		"""A payment allocated in full, with the DocType's default allocate_oldest_first (on)."""
		return (
			*self.standard(name),
			self.series[PAYMENT],
			customer,
			customer_name,
			self.currency,
			posted,
			amount,
			method,
			reference,
			1,
			amount,
			0,
		)

	def allocation(self, payment: str, invoice: str, due, outstanding, allocated) -> tuple:
		return (*self.child(payment, PAYMENT, "allocations"), invoice, due, outstanding, allocated)
