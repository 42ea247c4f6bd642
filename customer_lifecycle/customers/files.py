"""A customer's files: Frappe attachments, kept in a folder of the customer's own.

Files attached to a customer go to "Home/Customers/<customer id>" (made when missing) instead of
Frappe's shared "Home/Attachments". The folder is named by the customer's id, which never changes
and names nobody, so it stays right after the customer is renamed or anonymized.
"""

import frappe
from frappe import _
from frappe.model.rename_doc import rename_doc

from customer_lifecycle.utils.doctypes import CUSTOMER, ENGAGEMENT

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


# ---- the customer form's Files tab ----

# the longest folder name a user may give (File.file_name holds 140 characters with the path elsewhere)
FOLDER_NAME_LENGTH = 100
RECENT_FILES = 10
FILE_FIELDS = ["name", "file_name", "file_url", "is_private", "file_size", "folder", "owner", "creation"]


def engagement_folders(customer: str) -> set[str]:
	"""The folders inside the customer's that an engagement of the customer made (named by its id)."""
	folders = frappe.get_all(
		"File", filters={"folder": customer_folder(customer), "is_folder": 1}, pluck="file_name"
	)
	if not folders:
		return set()
	made = set(
		frappe.get_all(ENGAGEMENT, filters={"customer": customer, "name": ("in", folders)}, pluck="name")
	)
	return {f"{customer_folder(customer)}/{name}" for name in made}


def folder_listing(customer: str, folder: str | None = None) -> dict:
	"""The Files tab: the customer's folders (engagement ones marked), the files of `folder` (the
	customer's own folder by default: files in no folder of theirs) and the newest files of all."""
	root = customer_folder(customer)
	folder = folder or root
	if folder != root:
		check_own_folder(customer, folder)
	made_by_engagements = engagement_folders(customer)
	folders = frappe.get_all(
		"File",
		filters={"folder": root, "is_folder": 1},
		fields=["name", "file_name", "creation"],
		order_by="file_name asc",
	)
	counts = dict(
		frappe.get_all(
			"File",
			filters={"folder": ("in", [f.name for f in folders] or [""]), "is_folder": 0},
			fields=["folder", "count(*) as files"],
			group_by="folder",
			as_list=True,
		)
	)
	for row in folders:
		row.engagement = row.name in made_by_engagements
		row.files = counts.get(row.name, 0)
	recent = frappe.get_all(
		"File",
		filters={"is_folder": 0},
		or_filters=[["folder", "=", root], ["folder", "like", f"{root}/%"]],
		fields=FILE_FIELDS,
		order_by="creation desc",
		limit=RECENT_FILES,
	)
	files = (
		frappe.get_all(
			"File",
			filters={"folder": folder, "is_folder": 0},
			fields=FILE_FIELDS,
			order_by="creation desc",
		)
		if frappe.db.exists("File", folder)
		else []
	)
	return {"root": root, "folder": folder, "folders": folders, "files": files, "recent": recent}


def check_own_folder(customer: str, folder: str) -> None:
	"""`folder` must be one of the folders directly inside the customer's."""
	parent = frappe.db.get_value("File", {"name": folder, "is_folder": 1}, "folder")
	if parent != customer_folder(customer):
		frappe.throw(
			_("{0}: {1} is not a folder of this customer's.").format(
				frappe.bold(_("Folder")), frappe.bold(frappe.utils.escape_html(folder))
			),
			frappe.ValidationError,
		)


def clean_folder_name(folder_name: str | None, field: str = "Folder Name") -> str:
	"""The name a folder is given (in `field`: "Folder Name", or "New Name" when renaming)."""
	name = (folder_name or "").strip()
	label = frappe.bold(_(field))
	if not name:
		frappe.throw(_("{0} is required.").format(label), frappe.MandatoryError)
	if "/" in name or "\\" in name or name in (".", ".."):
		frappe.throw(_("{0} may not contain / or \\.").format(label), frappe.ValidationError)
	if len(name) > FOLDER_NAME_LENGTH:
		frappe.throw(
			_("{0} is longer than {1} characters.").format(label, FOLDER_NAME_LENGTH), frappe.ValidationError
		)
	return name


def add_folder(customer: str, folder_name: str) -> str:
	"""A custom folder inside the customer's; refused when one of that name is there already."""
	name = clean_folder_name(folder_name)
	root = ensure_folder(customer)
	if frappe.db.exists("File", f"{root}/{name}"):
		frappe.throw(
			_("{0}: a folder {1} exists already.").format(frappe.bold(_("Folder Name")), frappe.bold(name)),
			frappe.DuplicateEntryError,
		)
	return make_folder(root, name)


def check_custom_folder(customer: str, folder: str, doing: str) -> None:
	"""A folder the user may rename or remove here: the customer's, and not an engagement's."""
	check_own_folder(customer, folder)
	if folder in engagement_folders(customer):
		refuse_engagement_folder(folder, doing)


def refuse_engagement_folder(folder: str, doing: str) -> None:
	frappe.throw(
		_(
			"{0} is the folder of engagement {1}: it is kept with the engagement and cannot be {2} here."
		).format(frappe.bold(folder), frappe.bold(folder.rsplit("/", 1)[1]), doing),
		frappe.PermissionError,
		title=_("Engagement Folder"),
	)


def keep_engagement_folder(file, method=None) -> None:
	"""File.on_trash: an engagement's folder stays while the engagement does, whichever screen removes
	it (Frappe's own File list too, not only the customer's Files tab)."""
	parent = file.folder or ""
	if not file.is_folder or not parent.startswith(f"{CUSTOMERS_FOLDER}/"):
		return
	customer = parent[len(CUSTOMERS_FOLDER) + 1 :]
	if frappe.db.exists(ENGAGEMENT, {"name": file.file_name, "customer": customer}):
		refuse_engagement_folder(file.name, _("removed"))


def rename_folder(customer: str, folder: str, new_name: str) -> str:
	"""Rename a custom folder; the files in it follow (Frappe's rename moves their folder link)."""
	check_custom_folder(customer, folder, _("renamed"))
	name = clean_folder_name(new_name, "New Name")
	new = f"{customer_folder(customer)}/{name}"
	if new == folder:
		return folder
	if frappe.db.exists("File", new):
		frappe.throw(
			_("{0}: a folder {1} exists already.").format(frappe.bold(_("New Name")), frappe.bold(name)),
			frappe.DuplicateEntryError,
		)
	# folders are system records here, as make_folder's are; the customer's permission was checked
	rename_doc("File", folder, new, force=True, ignore_permissions=True, show_alert=False)
	frappe.db.set_value("File", new, "file_name", name)
	return new


def remove_folder(customer: str, folder: str) -> None:
	"""Remove an empty custom folder (Frappe refuses a folder that still holds files)."""
	check_custom_folder(customer, folder, _("removed"))
	if frappe.db.exists("File", {"folder": folder}):
		frappe.throw(
			_("{0} still holds files: move or delete them first.").format(
				frappe.bold(folder.rsplit("/", 1)[1])
			),
			frappe.ValidationError,
		)
	frappe.delete_doc("File", folder, ignore_permissions=True)
