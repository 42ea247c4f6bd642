"""The table sizes a benchmark measures at: customers, and the customers that may be billed (the
billing rows the suites bulk-insert are the demo's, demo/billing.py)."""

import time

import frappe

from customer_lifecycle.billing.gate import billable_states
from customer_lifecycle.demo.customers import add_primary_contacts, make_customers
from customer_lifecycle.utils.doctypes import CUSTOMER


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
