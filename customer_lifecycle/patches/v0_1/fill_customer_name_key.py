"""Fill `name_key` (the phonetic key the duplicate check looks names up by) for customers saved
before it existed, or made in bulk without it: chunks read in name order, one UPDATE per chunk."""

import frappe

from customer_lifecycle.customers.duplicates import name_key
from customer_lifecycle.utils.bulk import chunks, set_column
from customer_lifecycle.utils.doctypes import CUSTOMER


def execute():
	for rows in chunks(CUSTOMER, ["customer_name", "name_key"]):
		changed = {}
		for row in rows:
			key = name_key(row.customer_name) or None
			if key != row.name_key:
				changed[row.name] = key
		set_column(CUSTOMER, "name_key", changed)
		frappe.db.commit()
