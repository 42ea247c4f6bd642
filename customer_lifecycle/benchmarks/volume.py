"""The table size a benchmark measures at."""

import time

import frappe

from customer_lifecycle.demo.customers import add_primary_contacts, make_customers


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
