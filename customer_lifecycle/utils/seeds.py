"""The records the app seeds once (customer_lifecycle/seeds/), as Frappe documents to insert."""

import json
import os

SEEDS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "seeds")


def load_seed(filename: str):
	with open(os.path.join(SEEDS, filename)) as f:
		return json.load(f)


def ensure_email_templates(templates: dict[str, str]) -> None:
	"""Make each Email Template (its name: its seed file) once: an admin's edits survive migrate."""
	import frappe

	for name, seed in templates.items():
		if not frappe.db.exists("Email Template", name):
			frappe.get_doc(load_seed(seed)).insert(ignore_permissions=True)
