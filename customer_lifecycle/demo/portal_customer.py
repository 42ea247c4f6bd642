"""A customer with a portal login and a record of every kind the portal shows: the demo's portal
customer (`bench --site S customer-lifecycle demo` prints its login) and the portal tests' world.

It is made through the app's own controllers and workflow: onboarding, then active with an
engagement, an invoice (partly paid), a draft invoice, an internal and a customer-visible note, a
billing address and a service plan at a site address (its first visits made), then offboarded and
re-engaged, so that an onboarding round runs too; a sent information request (a question and a
document to upload) and a draft one; last, its engagement letter is generated and shared on the
portal. (The daily service plan job puts its plan on hold once it runs: the customer is onboarding
again.)
"""

import frappe
from frappe.utils.password import update_password

from customer_lifecycle.customers.documents import sharing
from customer_lifecycle.customers.documents.generation import generate
from customer_lifecycle.demo import requests as demo_requests
from customer_lifecycle.lifecycle.engine import apply_action
from customer_lifecycle.onboarding import checklists
from customer_lifecycle.portal import users
from customer_lifecycle.utils.doctypes import DOCUMENT_TEMPLATE

ENGAGEMENT_LETTER = "Engagement Letter"


def make(customer_name: str, email: str, password: str) -> frappe._dict:
	"""Make the customer and its portal login; returns the names of what was made."""
	customer = frappe.get_doc(
		{"doctype": "Customer", "customer_name": customer_name, "email": email}
	).insert()
	for action in ("Start Onboarding", "Activate"):
		apply_action(customer.name, action)
	engagement = frappe.get_doc(
		{
			"doctype": "Engagement",
			"customer": customer.name,
			"title": f"Annual review for {customer_name}",
			"description": "<p>Yearly audit</p>",
		}
	).insert()
	invoice = invoice_of(customer.name, 2, 150, engagement=engagement.name)
	invoice.submit()
	draft = invoice_of(customer.name, 1, 999)
	payment = frappe.get_doc(
		{"doctype": "Customer Payment", "customer": customer.name, "amount": 100, "method": "Bank Transfer"}
	).insert()
	payment.submit()
	internal = note_of(customer.name, "Internal", f"<p>Internal: {customer_name} asked about fees</p>")
	visible = note_of(customer.name, "Customer-visible", f"<p>Welcome aboard, {customer_name}!</p>")
	# the billing address first: the first address linked is the customer's billing address
	address = frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": customer_name,
			"address_type": "Billing",
			"address_line1": f"{frappe.generate_hash(length=6)} High Street",
			"city": "Leeds",
			"country": "United Kingdom",
			"links": [{"link_doctype": "Customer", "link_name": customer.name}],
		}
	).insert()
	subscription = service_plan_of(customer.name, customer_name)
	for action in ("Start Offboarding", "Complete Offboarding", "Re-engage"):
		apply_action(customer.name, action)
	checklist = checklists.open_round(customer.name)
	items = frappe.get_all(
		"Onboarding Checklist Item",
		filters={"parent": checklist},
		fields=["name", "customer_provides"],
		order_by="idx asc",
	)
	contact = frappe.db.get_value("Customer", customer.name, "primary_contact")
	user = users.invite(contact)
	update_password(user, password)
	request = demo_requests.make(customer.name, "Sent", ask=2)
	request_items = frappe.get_all(
		"Information Request Item", filters={"parent": request}, fields=["name", "kind"], order_by="idx asc"
	)
	document = shared_document(customer.name, engagement.name)
	return frappe._dict(
		name=customer.name,
		customer_name=customer_name,
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
		subscription=subscription.name,
		site_address=subscription.site_address,
		visit=frappe.get_all(
			"Event",
			filters={"reference_doctype": subscription.doctype, "reference_docname": subscription.name},
			pluck="name",
			order_by="starts_on asc",
		)[0],
		request=request,
		request_document=next(i.name for i in request_items if i.kind == "Document"),
		request_question=next(i.name for i in request_items if i.kind == "Question"),
		draft_request=demo_requests.make(customer.name, "Draft", ask=1),
		document=document,
	)


def shared_document(customer: str, engagement: str) -> str | None:
	"""The engagement letter (the first enabled template when that example is gone), generated and
	shared on the portal; None on a site without templates."""
	templates = frappe.get_all(DOCUMENT_TEMPLATE, filters={"disabled": 0}, pluck="name", order_by="name")
	if not templates:
		return None
	template = ENGAGEMENT_LETTER if ENGAGEMENT_LETTER in templates else templates[0]
	doc = generate(customer, template, engagement)
	return sharing.set_shared(doc.name, True).name


def invoice_of(customer: str, qty: float, rate: float, **fields):
	return frappe.get_doc(
		{
			"doctype": "Customer Invoice",
			"customer": customer,
			"items": [{"description": "Advisory work", "qty": qty, "rate": rate}],
			**fields,
		}
	).insert()


def note_of(customer: str, visibility: str, content: str):
	return frappe.get_doc(
		{"doctype": "Customer Note", "customer": customer, "visibility": visibility, "content": content}
	).insert()


SHOWCASE_PLAN = "Weekly Garden Care"


def service_plan_of(customer: str, customer_name: str):
	"""A weekly plan at a site address of the customer (with an access contact), starting today: its
	visits for the next two weeks are made as it is saved."""
	if not frappe.db.exists("Service Plan", SHOWCASE_PLAN):
		frappe.get_doc(
			{
				"doctype": "Service Plan",
				"plan_name": SHOWCASE_PLAN,
				"frequency": "Weekly",
				"visits_per_period": 1,
				"price": 45,
				"description": "Weekly garden care",
			}
		).insert()
	site = frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": f"{customer_name} garden",
			"address_type": "Other",
			"address_line1": f"{frappe.generate_hash(length=6)} Garden Lane",
			"city": "Harrogate",
			"country": "United Kingdom",
			"is_site_address": 1,
			"access_contact_name": "Pat Keyholder",
			"access_contact_phone": "+44 7700 900456",
			"access_contact_relationship": "Tenant",
			"access_notes": "Side gate code 1234",
			"links": [{"link_doctype": "Customer", "link_name": customer}],
		}
	).insert()
	return frappe.get_doc(
		{
			"doctype": "Service Subscription",
			"customer": customer,
			"plan": SHOWCASE_PLAN,
			"site_address": site.name,
		}
	).insert()
