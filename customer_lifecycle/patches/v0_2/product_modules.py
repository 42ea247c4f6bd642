"""The app's records move to the modules that name their matter: the lifecycle's DocTypes, reports
and chart to Lifecycle, the onboarding DocTypes to Onboarding, the analytics reports and the at-risk
card to Analytics, the receivables card to Billing.

On a site made before the move, those records still name their old module, and Frappe looks for
their code in that module's folder. Before the DocTypes are synced from their new folders, this
makes each module the app lists (modules.txt) and points each record at the module its file names
now."""

import frappe

from customer_lifecycle.utils.app_files import records_in_files

APP = "customer_lifecycle"


def execute():
	for module in frappe.get_module_list(APP):
		if not frappe.db.exists("Module Def", module):
			frappe.get_doc({"doctype": "Module Def", "module_name": module, "app_name": APP}).insert(
				ignore_permissions=True
			)
	for doctype, name, module in records_in_files(APP):
		if module and frappe.db.get_value(doctype, name, "module") not in (None, module):
			frappe.db.set_value(doctype, name, "module", module, update_modified=False)
	frappe.clear_cache()
