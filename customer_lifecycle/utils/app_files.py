"""The records an app keeps as files in its module folders (<module>/<kind>/<name>/<name>.json), read
from the files: what the app defines, whether or not a site has it yet."""

import json
import os

import frappe

# the folders that hold an app's records, by the DocType of the record
KINDS = {
	"doctype": "DocType",
	"report": "Report",
	"number_card": "Number Card",
	"dashboard_chart": "Dashboard Chart",
	"print_format": "Print Format",
	"workspace": "Workspace",
}


def records_in_files(app: str, kinds: tuple[str, ...] = tuple(KINDS)):
	"""(doctype, name, module) of each record of these kinds that the app keeps as a file."""
	root = frappe.get_app_path(app)
	for module_folder in sorted(os.listdir(root)):
		for folder in kinds:
			kind_root = os.path.join(root, module_folder, folder)
			if not os.path.isdir(kind_root):
				continue
			for record in sorted(os.listdir(kind_root)):
				path = os.path.join(kind_root, record, f"{record}.json")
				if not os.path.isfile(path):
					continue
				with open(path) as f:
					data = json.load(f)
				if isinstance(data, dict) and data.get("doctype") == KINDS[folder] and data.get("name"):
					yield KINDS[folder], data["name"], data.get("module")
