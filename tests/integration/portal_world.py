"""Customers with portal logins and records of every kind the portal shows, for the portal tests."""

import uuid

import frappe

from customer_lifecycle.api.lifecycle import apply_action
from customer_lifecycle.onboarding import checklists
from customer_lifecycle.portal import users
from tests.helpers import PASSWORD
from tests.integration.test_billing import make_invoice, make_payment


def portal_customer(make_customer, label: str = "portal") -> frappe._dict:
	"""A customer whose primary contact has a portal login (password PASSWORD), with a submitted
	invoice partly paid, a draft invoice, an engagement, an internal and a customer-visible note, and
	an onboarding round running (re-engaged after billing, so both exist at once)."""
	from frappe.utils.password import update_password

	tag = uuid.uuid4().hex[:8]
	customer = make_customer(
		customer_name=f"{label.title()} Client {tag}", email=f"{label}.{tag}@example.com"
	)
	contact = customer.primary_contact or frappe.db.get_value(
		"Dynamic Link", {"parenttype": "Contact", "link_name": customer.name}, "parent"
	)
	apply_action(customer.name, "Start Onboarding")
	apply_action(customer.name, "Activate")
	engagement = frappe.get_doc(
		{
			"doctype": "Engagement",
			"customer": customer.name,
			"title": f"Audit {tag}",
			"description": "<p>Yearly audit</p>",
		}
	).insert()
	invoice = make_invoice(customer.name, items=((2, 150),), engagement=engagement.name)
	draft = make_invoice(customer.name, items=((1, 999),), submit=False)
	payment = make_payment(customer.name, 100)
	internal = frappe.get_doc(
		{"doctype": "Customer Note", "customer": customer.name, "content": f"<p>Internal {tag}</p>"}
	).insert()
	visible = frappe.get_doc(
		{
			"doctype": "Customer Note",
			"customer": customer.name,
			"visibility": "Customer-visible",
			"content": f"<p>Welcome aboard {tag}</p>",
		}
	).insert()
	for action in ("Start Offboarding", "Complete Offboarding", "Re-engage"):
		apply_action(customer.name, action)
	checklist = checklists.open_round(customer.name)
	items = frappe.get_all(
		"Onboarding Checklist Item",
		filters={"parent": checklist},
		fields=["name", "customer_provides"],
		order_by="idx asc",
	)
	address = frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": customer.customer_name,
			"address_type": "Billing",
			"address_line1": f"{tag} High Street",
			"city": "Leeds",
			"country": "United Kingdom",
			"links": [{"link_doctype": "Customer", "link_name": customer.name}],
		}
	).insert()
	user = users.invite(contact)
	update_password(user, PASSWORD)
	return frappe._dict(
		name=customer.name,
		customer_name=customer.customer_name,
		contact=contact,
		user=user,
		engagement=engagement.name,
		invoice=invoice.name,
		draft=draft.name,
		payment=payment.name,
		internal_note=internal.name,
		visible_note=visible.name,
		checklist=checklist,
		provided_item=next(i.name for i in items if i.customer_provides),
		staff_item=next(i.name for i in items if not i.customer_provides),
		address=address.name,
	)


def insert_customer(**fields):
	return frappe.get_doc({"doctype": "Customer", **fields}).insert()


def committed_world() -> frappe._dict:
	"""Two portal customers ("mine" and "theirs"), each with a document its portal user uploaded,
	committed so that a served site sees them."""
	from customer_lifecycle.portal import pages

	frappe.set_user("Administrator")
	mine = portal_customer(insert_customer, "mine")
	theirs = portal_customer(insert_customer, "theirs")
	for who in (mine, theirs):
		frappe.set_user(who.user)
		# contents differ: Frappe stores equal contents once, under the first upload's URL
		who.file_content = f"%PDF-1.4 proof of {who.customer_name}".encode()
		pages.upload_document(
			who.name, who.provided_item, f"proof-{uuid.uuid4().hex[:6]}.pdf", who.file_content
		)
		who.file_url = frappe.db.get_value("Onboarding Checklist Item", who.provided_item, "attachment")
	frappe.set_user("Administrator")
	frappe.db.commit()
	return frappe._dict(mine=mine, theirs=theirs)
