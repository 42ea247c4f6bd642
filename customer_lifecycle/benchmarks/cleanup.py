"""Clean-up after the benchmarks and tests that import customers and commit them."""

import frappe

from customer_lifecycle.utils.doctypes import CUSTOMER, NOTE

# customers removed per round of statements
BATCH = 5000


def remove_customers(names: list[str]) -> None:
	"""Delete customers with the Contacts and Addresses linked to them and their notes, in bulk (the benchmark's
	and the tests' clean-up after a committed import; not for records people use, which go
	through Customer.on_trash)."""
	for start in range(0, len(names), BATCH):
		batch = names[start : start + BATCH]
		for doctype, children in (("Contact", ("Contact Email", "Contact Phone")), ("Address", ())):
			parents = frappe.get_all(
				"Dynamic Link",
				filters={"parenttype": doctype, "link_doctype": CUSTOMER, "link_name": ("in", batch)},
				pluck="parent",
			)
			if parents:
				for child in (*children, "Dynamic Link"):
					frappe.db.delete(child, {"parenttype": doctype, "parent": ("in", parents)})
				frappe.db.delete(doctype, {"name": ("in", parents)})
		frappe.db.delete("Customer Lifecycle Change", {"customer": ("in", batch)})
		frappe.db.delete(NOTE, {"customer": ("in", batch)})
		frappe.db.delete(CUSTOMER, {"name": ("in", batch)})
