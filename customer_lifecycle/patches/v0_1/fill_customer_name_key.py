"""Fill `name_key` (the phonetic key the duplicate check looks names up by) for customers saved
before it existed, or made in bulk without it: chunks read in name order, one UPDATE per chunk."""

import frappe

from customer_lifecycle.customers.duplicates import CUSTOMER, name_key, write_name_keys

CHUNK = 2000


def execute():
	last = ""
	while True:
		rows = frappe.get_all(
			CUSTOMER,
			filters={"name": [">", last]},
			fields=["name", "customer_name", "name_key"],
			order_by="name asc",
			limit_page_length=CHUNK,
		)
		if not rows:
			break
		changed = {}
		for row in rows:
			key = name_key(row.customer_name) or None
			if key != row.name_key:
				changed[row.name] = key
		write_name_keys(changed)
		frappe.db.commit()
		last = rows[-1].name
