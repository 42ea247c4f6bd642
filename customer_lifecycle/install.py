"""Install, migrate and uninstall steps. Each is safe to run again."""

import json
import os

import frappe

from customer_lifecycle.lifecycle.engine import SETTINGS

WORKFLOW = "Customer Lifecycle"
CATEGORIES = ("Retail", "Wholesale", "VIP", "Corporate", "Member")


def after_sync():
	# runs on install once fixtures (roles, workflow states and actions) are in
	ensure_workflow()
	ensure_categories()
	ensure_settings()
	frappe.db.commit()


def after_migrate():
	# a site that had the app before a seed existed gets it; existing records are left alone
	ensure_workflow()
	ensure_categories()
	ensure_settings()


def ensure_workflow():
	"""Create the lifecycle Workflow once. Admins own it afterwards: migrate never overwrites it."""
	if frappe.db.exists("Workflow", WORKFLOW):
		return
	frappe.get_doc(load_seed("customer_lifecycle_workflow.json")).insert(ignore_permissions=True)


def ensure_categories():
	for name in CATEGORIES:
		if not frappe.db.exists("Customer Category", name):
			frappe.get_doc({"doctype": "Customer Category", "category_name": name}).insert(
				ignore_permissions=True
			)


def ensure_settings():
	"""Fill settings left empty with the seed's values; values an admin chose stay."""
	settings = frappe.get_single(SETTINGS)
	missing = {k: v for k, v in load_seed("settings.json").items() if not settings.get(k)}
	if missing:
		settings.update(missing)
		settings.save(ignore_permissions=True)


def load_seed(filename: str):
	with open(os.path.join(os.path.dirname(__file__), "seeds", filename)) as f:
		return json.load(f)


def before_uninstall():
	"""Remove what the app created outside its own DocTypes, so core Frappe keeps working."""
	if frappe.db.exists("Workflow", WORKFLOW):
		frappe.delete_doc("Workflow", WORKFLOW, ignore_permissions=True, force=True)
	frappe.cache.hdel("workflow", "Customer")
