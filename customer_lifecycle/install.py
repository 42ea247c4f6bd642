"""Install, migrate and uninstall steps. Each is safe to run again."""

import frappe

from customer_lifecycle.billing.currency import ensure_site_currency
from customer_lifecycle.billing.setup import ensure_billing_records
from customer_lifecycle.customers import terminology
from customer_lifecycle.customers.documents.setup import ensure_document_records
from customer_lifecycle.customers.list_filters import ensure_list_filters
from customer_lifecycle.customers.search import ensure_contact_company_index
from customer_lifecycle.onboarding.requests import ensure_request_emails
from customer_lifecycle.service.setup import ensure_indexes as ensure_service_indexes
from customer_lifecycle.utils.doctypes import SETTINGS
from customer_lifecycle.utils.seeds import load_seed

WORKFLOW = "Customer Lifecycle"
CATEGORIES = ("Retail", "Wholesale", "VIP", "Corporate", "Member")
# what the app's roles may do with Frappe's own DocTypes: a customer's contacts and addresses,
# Frappe's Data Import (which checks the import right on Customer itself), and currencies
LINKED_RECORD_RIGHTS = {
	"Customer Manager": ("read", "write", "create", "delete", "report", "export", "print", "email", "share"),
	"Customer User": ("read", "write", "create", "report", "print", "email"),
}
CORE_RIGHTS = {
	"Contact": LINKED_RECORD_RIGHTS,
	"Address": LINKED_RECORD_RIGHTS,
	"Data Import": {"Customer Manager": ("read", "write", "create", "delete")},
	# a customer's currency, and the currency filter of the reports of amounts, are links to Currency
	"Currency": {"Customer Manager": ("read",), "Customer User": ("read",)},
	# messages to chosen customers are Frappe's Newsletters to Email Groups (customers/messages.py)
	**dict.fromkeys(
		("Newsletter", "Email Group", "Email Group Member"),
		{"Customer Manager": ("read", "write", "create", "delete", "report", "email", "print")},
	),
}
APP_ROLES = ("Customer Manager", "Customer User")


def after_sync():
	# runs on install once fixtures (roles, workflow states and actions) are in
	ensure_records()
	frappe.db.commit()


def after_migrate():
	# a site that had the app before a seed existed gets it; existing records are left alone
	ensure_records()
	# new strings or languages read the chosen word for a customer
	terminology.refresh()


def ensure_records():
	"""What the app seeds and sets up outside its DocTypes; each step leaves an admin's edits alone."""
	ensure_workflow()
	ensure_categories()
	ensure_settings()
	ensure_list_filters()
	ensure_contact_company_index()
	ensure_core_permissions()
	ensure_address_template()
	ensure_onboarding_template()
	ensure_request_emails()
	ensure_billing_records()
	ensure_document_records()
	ensure_service_indexes()


def after_setup_wizard(args=None):
	# the site's country is known now: its address template and its currency
	ensure_address_template()
	ensure_site_currency()


def ensure_workflow():
	"""Create the lifecycle Workflow once. Admins own it afterwards: migrate never overwrites it."""
	if frappe.db.exists("Workflow", WORKFLOW):
		return
	frappe.get_doc(load_seed("customer_lifecycle_workflow.json")).insert(ignore_permissions=True)


def ensure_onboarding_template():
	"""Create the default onboarding checklist template on a site that has no template at all.
	Admins own templates afterwards: migrate never changes or re-adds one they kept."""
	if frappe.db.count("Onboarding Checklist Template"):
		return
	frappe.get_doc(load_seed("onboarding_template.json")).insert(ignore_permissions=True)


def ensure_categories():
	for name in CATEGORIES:
		if not frappe.db.exists("Customer Category", name):
			frappe.get_doc({"doctype": "Customer Category", "category_name": name}).insert(
				ignore_permissions=True
			)


def ensure_settings():
	"""Fill settings left empty with the seed's values, and give fields added since the settings
	were last saved their default, as a new site gets it; values an admin chose stay."""
	settings = frappe.get_single(SETTINGS)
	missing = {k: v for k, v in load_seed("settings.json").items() if not settings.get(k)}
	stored = set(frappe.db.sql_list("select field from `tabSingles` where doctype = %s", SETTINGS))
	for df in settings.meta.fields:
		if df.default is not None and df.fieldname not in stored and df.fieldname not in missing:
			missing[df.fieldname] = df.default
	if missing:
		settings.update(missing)
		settings.save(ignore_permissions=True)


def ensure_core_permissions():
	"""Give the app's roles their rights on Frappe's Contact, Address, Data Import and Currency, once:
	a rule an admin has since changed in Role Permissions Manager is left as it is."""
	from frappe.permissions import add_permission, update_permission_property

	for doctype, roles in CORE_RIGHTS.items():
		for role, rights in roles.items():
			if frappe.db.exists(
				"Custom DocPerm", {"parent": doctype, "role": role, "permlevel": 0, "if_owner": 0}
			):
				continue
			add_permission(doctype, role, 0)
			for right in rights:
				update_permission_property(doctype, role, 0, right, 1, validate=False)


def ensure_address_template():
	"""Frappe shows addresses through an Address Template; a bare site has none. Make Frappe's own
	default template the default for the site's country, once."""
	if frappe.db.exists("Address Template", {"is_default": 1}):
		return
	country = frappe.get_system_settings("country")
	if country and not frappe.db.exists("Address Template", country):
		frappe.get_doc({"doctype": "Address Template", "country": country, "is_default": 1}).insert(
			ignore_permissions=True
		)


def before_uninstall():
	"""Remove what the app created outside its own DocTypes, so core Frappe keeps working."""
	if frappe.db.exists("Workflow", WORKFLOW):
		frappe.delete_doc("Workflow", WORKFLOW, ignore_permissions=True, force=True)
	frappe.cache.hdel("workflow", "Customer")
	# "Client" must not outlive the app
	terminology.remove_all()
	from customer_lifecycle.billing.setup import remove_billing_records

	remove_billing_records()
	# the app's index on core Contact (the link search by a contact's company)
	frappe.db.sql_ddl("drop index if exists `company_name_index` on `tabContact`")
	# the service module's indexes on core Event (its custom field goes with the module)
	from customer_lifecycle.service.setup import remove_indexes

	remove_indexes()
	# the app's roles lose their rights on Frappe's DocTypes; other rules stay as they are
	for doctype in CORE_RIGHTS:
		frappe.db.delete("Custom DocPerm", {"parent": doctype, "role": ("in", APP_ROLES)})
		frappe.clear_cache(doctype=doctype)
