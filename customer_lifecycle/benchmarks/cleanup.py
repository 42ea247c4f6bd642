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


def delete_customer(name: str) -> None:
	"""Delete a committed customer made by a test or a benchmark with what belongs to it, and commit:
	its payments, invoices and engagements (which would make the app refuse to delete it), the ToDos,
	comments and emails Frappe removes only later in a background job, its lifecycle log (which would
	otherwise reappear on the next customer given the same number); its contacts, notes, flags and
	checklists go with it (Customer.on_trash). A customer already gone is no error."""
	for doctype, child in (
		("Customer Payment", "Customer Payment Allocation"),
		("Customer Invoice", "Customer Invoice Item"),
	):
		for parent in frappe.get_all(doctype, filters={"customer": name}, pluck="name"):
			frappe.db.delete(child, {"parent": parent})
			frappe.db.delete(doctype, parent)
	frappe.db.delete("Engagement", {"customer": name})
	frappe.db.delete("ToDo", {"reference_type": CUSTOMER, "reference_name": name})
	for doctype in ("Comment", "Communication"):
		frappe.db.delete(doctype, {"reference_doctype": CUSTOMER, "reference_name": name})
	frappe.delete_doc(CUSTOMER, name, force=True, ignore_missing=True)
	frappe.db.delete("Customer Lifecycle Change", {"customer": name})
	frappe.db.commit()
