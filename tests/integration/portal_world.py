"""Customers with portal logins and records of every kind the portal shows, for the portal tests."""

import uuid

import frappe

from customer_lifecycle.portal import showcase
from tests.factories import pdf_bytes
from tests.helpers import PASSWORD, as_user


def portal_customer(label: str = "portal") -> frappe._dict:
	"""A customer whose primary contact has a portal login (password PASSWORD), with records of every
	kind the portal shows (customer_lifecycle.portal.showcase)."""
	tag = uuid.uuid4().hex[:8]
	return showcase.make(f"{label.title()} Client {tag}", f"{label}.{tag}@example.com", PASSWORD)


def insert_customer(**fields):
	return frappe.get_doc({"doctype": "Customer", **fields}).insert()


def committed_world() -> frappe._dict:
	"""Two portal customers ("mine" and "theirs"), each with a document its portal user uploaded,
	committed so that a served site sees them."""
	from customer_lifecycle.portal import pages

	frappe.set_user("Administrator")
	mine = portal_customer("mine")
	theirs = portal_customer("theirs")
	for who in (mine, theirs):
		# contents differ: Frappe stores equal contents once, under the first upload's URL
		who.file_content = pdf_bytes(f"proof of {who.customer_name}")
		with as_user(who.user):
			pages.upload_document(
				who.name, who.provided_item, f"proof-{uuid.uuid4().hex[:6]}.pdf", who.file_content
			)
		who.file_url = frappe.db.get_value("Onboarding Checklist Item", who.provided_item, "attachment")
	frappe.db.commit()
	return frappe._dict(mine=mine, theirs=theirs)
