"""`bench migrate` keeps an admin's lifecycle edits, and a second migrate changes nothing."""

import frappe

from tests.bench import Bench

FINGERPRINT = [
	("Workflow", {"name": "Customer Lifecycle"}),
	("Workflow Transition", {"parent": "Customer Lifecycle"}),
	("Workflow Document State", {"parent": "Customer Lifecycle"}),
	("Workflow State", {}),
	("Workflow Action Master", {}),
	("Role", {"name": ["in", ["Customer Manager", "Customer User"]]}),
	("DocType", {"module": "Customers"}),
	(
		"DocField",
		{
			"parent": [
				"in",
				["Customer", "Customer Category", "Customer Lifecycle Settings", "Customer Lifecycle Change"],
			]
		},
	),
	("Custom Field", {"dt": ["in", ["Customer", "Address"]]}),
	("Custom DocPerm", {"parent": ["in", ["Contact", "Address", "Data Import", "Currency"]]}),
	("Address Template", {}),
	("Property Setter", {"doc_type": "Customer"}),
	("Customer Category", {}),
	("Workspace", {"name": "Customers"}),
]


def fingerprint():
	frappe.db.rollback()
	out = {}
	for doctype, filters in FINGERPRINT:
		rows = frappe.get_all(doctype, filters=filters, fields=["name", "modified"], order_by="name")
		out[doctype] = [(r.name, str(r.modified)) for r in rows]
	out["settings"] = frappe.get_single("Customer Lifecycle Settings").as_dict(no_default_fields=True)
	return out


def migrate(site):
	frappe.db.commit()
	Bench().run("--site", site, "migrate")
	frappe.clear_cache()


def lifecycle_without_the_admins_transition():
	"""The lifecycle Workflow without the transition the test adds as an admin would (which a run
	that crashed may have left)."""
	wf = frappe.get_doc("Workflow", "Customer Lifecycle")
	wf.set(
		"transitions",
		[t for t in wf.transitions if not (t.state == "Dormant" and t.next_state == "Anonymized")],
	)
	return wf


def test_migrate_keeps_admin_edits_and_is_idempotent(site):
	wf = lifecycle_without_the_admins_transition()
	wf.append(
		"transitions",
		{
			"state": "Dormant",
			"action": "Anonymize",
			"next_state": "Anonymized",
			"allowed": "Customer Manager",
			"allow_self_approval": 1,
		},
	)
	wf.save()
	frappe.db.commit()
	try:
		migrate(site)
		first = fingerprint()
		transitions = frappe.get_all(
			"Workflow Transition", filters={"parent": "Customer Lifecycle"}, fields=["state", "next_state"]
		)
		assert transitions.count({"state": "Dormant", "next_state": "Anonymized"}) == 1
		migrate(site)
		assert fingerprint() == first
	finally:
		lifecycle_without_the_admins_transition().save()
		frappe.db.commit()
