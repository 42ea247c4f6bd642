"""The customer form's Files tab over HTTP: the customer's folders and files, custom folders made,
renamed and removed there. Uploads go through Frappe's own `upload_file` with the chosen folder.

Who may see the customer sees its files' list; who may edit it manages its custom folders. A folder an
engagement made is refused here whatever the user's rights: it belongs to the engagement.
"""

import frappe

from customer_lifecycle.customers import files
from customer_lifecycle.utils.doctypes import CUSTOMER


@frappe.whitelist(methods=["GET"])
def customer_files(customer: str, folder: str | None = None) -> dict:
	"""The customer's folders, the files of `folder` (default: the customer's own folder) and the
	newest files of all its folders."""
	frappe.has_permission(CUSTOMER, "read", customer, throw=True)
	return files.folder_listing(customer, folder or None)


@frappe.whitelist(methods=["POST"])
def add_folder(customer: str, folder_name: str) -> dict:
	"""A custom folder inside the customer's."""
	frappe.has_permission(CUSTOMER, "write", customer, throw=True)
	return {"folder": files.add_folder(customer, folder_name)}


@frappe.whitelist(methods=["POST"])
def rename_folder(customer: str, folder: str, new_name: str) -> dict:
	"""Rename a custom folder of the customer's (not an engagement's)."""
	frappe.has_permission(CUSTOMER, "write", customer, throw=True)
	return {"folder": files.rename_folder(customer, folder, new_name)}


@frappe.whitelist(methods=["POST"])
def remove_folder(customer: str, folder: str) -> dict:
	"""Remove an empty custom folder of the customer's (not an engagement's)."""
	frappe.has_permission(CUSTOMER, "write", customer, throw=True)
	files.remove_folder(customer, folder)
	return {"folder": folder, "removed": True}
