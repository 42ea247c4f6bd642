"""Uninstalling the app leaves a working Frappe site, with core Contact and Address untouched.

Runs bench on a site of its own (made and dropped here), so the test site is not disturbed."""

CHECK = """
contact = frappe.get_doc({"doctype": "Contact", "first_name": "After", "email_ids": [{"email_id": "after@example.com", "is_primary": 1}]}).insert()
address = frappe.get_doc({"doctype": "Address", "address_title": "After", "address_type": "Billing", "address_line1": "1 Road", "city": "Leeds", "country": "India"}).insert()
assert not frappe.db.exists("DocType", "Customer")
assert not frappe.get_all("Custom Field", filters={"dt": "Address", "module": "Customers"})
assert not frappe.get_all("Custom DocPerm", filters={"role": ["in", ["Customer Manager", "Customer User"]]})
assert not frappe.db.exists("Workflow", "Customer Lifecycle")
print("CORE OK", contact.name, address.name)
frappe.db.rollback()
"""


def test_uninstall_leaves_core_contact_and_address_working(bench):
	site = bench.new_site("customer_lifecycle", prefix="uninstall")
	bench.run("--site", site, "uninstall-app", "customer_lifecycle", "--yes", "--no-backup", "--force")
	assert "CORE OK" in bench.python(CHECK, site)
