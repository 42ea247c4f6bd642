"""A customer's files: Frappe attachments, kept in a folder of the customer's own.

Files attached to a customer go to "Home/Customers/<customer id>" (made when missing) instead of
Frappe's shared "Home/Attachments". The folder is named by the customer's id, which never changes
and names nobody, so it stays right after the customer is renamed or anonymized.
"""

import frappe

from customer_lifecycle.utils.doctypes import CUSTOMER

HOME = "Home"
ATTACHMENTS_FOLDER = "Home/Attachments"  # Frappe's default for attachments
CUSTOMERS_FOLDER = "Home/Customers"


def set_folder(file, method=None) -> None:
	"""File.before_insert: a file attached to a customer goes to the customer's folder.

	Only files Frappe would put in Home or Home/Attachments move; a folder chosen on upload stays.
	"""
	if file.is_folder or file.attached_to_doctype != CUSTOMER or not file.attached_to_name:
		return
	if file.folder and file.folder not in (HOME, ATTACHMENTS_FOLDER):
		return
	file.folder = ensure_folder(file.attached_to_name)


def customer_folder(customer: str) -> str:
	"""The name (path) of a customer's folder."""
	return f"{CUSTOMERS_FOLDER}/{customer}"


def ensure_folder(customer: str) -> str:
	"""The customer's folder, made (with Home/Customers) when missing; returns its name."""
	make_folder(HOME, CUSTOMERS_FOLDER.rsplit("/", 1)[1])
	return make_folder(CUSTOMERS_FOLDER, customer)


def make_folder(parent: str, folder_name: str) -> str:
	name = f"{parent}/{folder_name}"
	if not frappe.db.exists("File", name):
		# system-made, like Frappe's Home/Attachments: whoever uploads need not have File rights
		frappe.get_doc(
			{"doctype": "File", "file_name": folder_name, "is_folder": 1, "folder": parent}
		).insert(ignore_permissions=True, ignore_if_duplicate=True)
	return name
