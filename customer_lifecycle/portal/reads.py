"""What the portal pages show. Every function takes the customer the page is about, already checked by
`access.customer_for`, and reads only that customer's records: portal users hold no role permissions
on the app's DocTypes, so reads here bypass role permissions on purpose, always filtered by that
customer.
"""

import frappe
from frappe.utils import cint, flt, format_time, getdate, nowdate, strip_html
from frappe.utils.html_utils import sanitize_html

from customer_lifecycle.billing.engagements import CLOSED_STATUSES
from customer_lifecycle.onboarding import checklists, requests, rules
from customer_lifecycle.portal import access
from customer_lifecycle.utils.doctypes import (
	CUSTOMER,
	ENGAGEMENT,
	GENERATED_DOCUMENT,
	EVENT,
	INVOICE,
	NOTE,
	PAYMENT,
	REQUEST,
	SERVICE_PLAN,
	STATE_FIELD,
	SUBSCRIPTION,
)

INVOICE_PRINT_FORMAT = "Invoice"
# what a portal user may edit on their contact and on their customer's addresses
CONTACT_FIELDS = ("first_name", "last_name", "phone", "mobile_no")
ADDRESS_FIELDS = (
	"address_type",
	"address_line1",
	"address_line2",
	"city",
	"county",
	"state",
	"pincode",
	"country",
)


def header(customer: str) -> dict:
	"""The customer's name, lifecycle and money figures, and which customers the user can switch to."""
	row = frappe.db.get_value(CUSTOMER, customer, ["name", "customer_name", STATE_FIELD], as_dict=True)
	mine = access.customers_of()
	names = dict(
		frappe.get_all(
			CUSTOMER, filters={"name": ("in", mine)}, fields=["name", "customer_name"], as_list=True
		)
	)
	return {
		"customer": row,
		"choices": [{"name": name, "customer_name": names.get(name, name)} for name in mine],
		"balance": flt(
			frappe.db.get_value(INVOICE, {"customer": customer, "docstatus": 1}, "sum(outstanding_amount)")
		),
		"currency": frappe.db.get_default("currency"),
	}


def overview(customer: str) -> dict:
	checklist = current_checklist(customer)
	items = checklist["items"] if checklist else []
	missing = [item for item in items if item["customer_provides"] and not item["done"]]
	return {
		"missing_items": len(missing),
		"open_invoices": frappe.db.count(
			INVOICE, {"customer": customer, "docstatus": 1, "outstanding_amount": (">", 0)}
		),
		"open_engagements": frappe.db.count(
			ENGAGEMENT, {"customer": customer, "status": ("not in", CLOSED_STATUSES)}
		),
		"notes": frappe.db.count(NOTE, {"customer": customer, "visibility": access.VISIBLE_NOTE}),
		"open_requests": frappe.db.count(
			REQUEST, {"customer": customer, "status": ("in", rules.OPEN_STATUSES)}
		),
	}


def service(customer: str, upcoming: int = 10) -> dict:
	"""The customer's service plans (those not ended) and its visits from today on."""
	plans = frappe.get_all(
		SUBSCRIPTION,
		filters={"customer": customer, "status": ("!=", "Ended")},
		fields=["name", "plan", "status", "next_visit_date"],
		order_by="start_date asc",
	)
	details = {
		row.name: row
		for row in frappe.get_all(
			SERVICE_PLAN,
			filters={"name": ("in", {row.plan for row in plans} or {""})},
			fields=["name", "frequency", "visits_per_period"],
		)
	}
	for row in plans:
		row.update({key: details[row.plan][key] for key in ("frequency", "visits_per_period")})
	event, participant = frappe.qb.DocType(EVENT), frappe.qb.DocType("Event Participants")
	visits = (
		frappe.qb.from_(event)
		.join(participant)
		.on((participant.parent == event.name) & (participant.parenttype == EVENT))
		.select(event.starts_on, event.ends_on, event.location, event.reference_docname.as_("subscription"))
		.where(
			(participant.reference_doctype == CUSTOMER)
			& (participant.reference_docname == customer)
			& (event.reference_doctype == SUBSCRIPTION)
			& (event.status == "Open")
			& (event.starts_on >= getdate(nowdate()))
		)
		.orderby(event.starts_on)
		.limit(upcoming)
	).run(as_dict=True)
	names = {row.name: row.plan for row in plans}
	for row in visits:
		row.plan = names.get(row.subscription)
		row.time = format_time(row.starts_on)
	return {"service_plans": plans, "visits": visits}


def own_contact(customer: str, for_update: bool = False):
	"""The session user's Contact linked to the customer; `for_update` locks its row as it is read
	(for a save: Frappe's own job that follows every User save, create_contact, saves this contact
	too, and would otherwise change it between this read and the save)."""
	name = frappe.db.get_value(
		"Contact",
		{"user": frappe.session.user, "name": ("in", linked(customer, "Contact"))},
		"name",
	)
	if not name:
		access.refuse("Contact")
	return frappe.get_doc("Contact", name, for_update=for_update)


def linked(customer: str, doctype: str) -> list[str]:
	return frappe.get_all(
		"Dynamic Link",
		filters={"parenttype": doctype, "link_doctype": CUSTOMER, "link_name": customer},
		pluck="parent",
	)


def profile(customer: str) -> dict:
	contact = own_contact(customer)
	addresses = frappe.get_all(
		"Address",
		filters={"name": ("in", linked(customer, "Address")), "disabled": 0},
		fields=["name", "address_title", "is_primary_address", *ADDRESS_FIELDS],
		order_by="is_primary_address desc, creation asc",
	)
	return {
		"contact": {field: contact.get(field) for field in ("name", "email_id", *CONTACT_FIELDS)},
		"marketing_consent": cint(contact.get("marketing_consent")),
		"addresses": addresses,
		"address_types": frappe.get_meta("Address").get_field("address_type").options.split("\n"),
		"default_country": frappe.get_system_settings("country"),
	}


def current_checklist(customer: str) -> dict | None:
	"""The running onboarding round, with only what the portal shows of it."""
	name = checklists.open_round(customer)
	if not name:
		return None
	data = checklists.checklist_data(name)
	keep = (
		"name",
		"title",
		"description",
		"required",
		"customer_provides",
		"due_date",
		"overdue",
		"done",
		"done_on",
		"answer",
		"attachment",
	)
	# the customer answers and uploads for the items it provides (portal/writes.py, onboarding/items.py)
	data["items"] = [
		{
			**{key: item[key] for key in keep},
			"takes_answer": item["customer_provides"],
			"takes_document": item["customer_provides"],
		}
		for item in data["items"]
	]
	return data


def onboarding(customer: str) -> dict:
	checklist = current_checklist(customer)
	if not checklist:
		return {"checklist": None, "to_provide": [], "others": []}
	return {
		"checklist": checklist,
		"to_provide": [item for item in checklist["items"] if item["customer_provides"]],
		# what the firm still does: shown so the customer sees what is still missing overall
		"others": [item for item in checklist["items"] if not item["customer_provides"]],
	}


# the completed requests the Requests page lists under the open ones
COMPLETED_SHOWN = 20


def information_requests(customer: str) -> dict:
	"""The customer's requests that are still open, each with its items to answer (earliest due
	first), and the latest completed ones."""
	names = frappe.get_all(
		REQUEST,
		filters={"customer": customer, "status": ("in", rules.OPEN_STATUSES)},
		pluck="name",
		order_by="due_date asc, name asc",
	)
	return {
		"open_requests": [requests.page_data(name) for name in names],
		"completed_requests": frappe.get_all(
			REQUEST,
			filters={"customer": customer, "status": rules.COMPLETE},
			fields=["name", "title", "completed_on"],
			order_by="completed_on desc",
			limit=COMPLETED_SHOWN,
		),
	}


def invoices(customer: str) -> list[dict]:
	return frappe.get_all(
		INVOICE,
		filters={"customer": customer, "docstatus": 1},
		fields=["name", "posting_date", "due_date", "status", "total", "outstanding_amount", "engagement"],
		order_by="posting_date desc, name desc",
	)


def invoice(name: str) -> dict:
	doc = access.get_own_doc(INVOICE, name)
	payments = frappe.get_all(
		"Customer Payment Allocation",
		filters={"invoice": name, "docstatus": 1, "parenttype": PAYMENT},
		fields=["parent", "allocated_amount"],
		order_by="creation asc",
	)
	dates = dict(
		frappe.get_all(
			PAYMENT,
			filters={"name": ("in", [p.parent for p in payments])},
			fields=["name", "posting_date"],
			as_list=True,
		)
	)
	for row in payments:
		row.posting_date = dates.get(row.parent)
	return {"doc": doc, "payments": payments, "pdf_url": pdf_url(INVOICE, name, INVOICE_PRINT_FORMAT)}


def pdf_url(doctype: str, name: str, print_format: str) -> str:
	from urllib.parse import urlencode

	query = urlencode({"doctype": doctype, "name": name, "format": print_format})
	return f"/api/method/frappe.utils.print_format.download_pdf?{query}"


def payments(customer: str) -> list[dict]:
	return frappe.get_all(
		PAYMENT,
		filters={"customer": customer, "docstatus": 1},
		fields=[
			"name",
			"posting_date",
			"amount",
			"method",
			"reference",
			"allocated_amount",
			"unallocated_amount",
		],
		order_by="posting_date desc, name desc",
	)


def engagements(customer: str) -> list[dict]:
	rows = frappe.get_all(
		ENGAGEMENT,
		filters={"customer": customer, "status": ("!=", "Cancelled")},
		fields=["name", "title", "status", "due_date", "delivered_on", "description"],
		order_by="creation desc",
	)
	invoiced = frappe.get_all(
		INVOICE,
		filters={"customer": customer, "docstatus": 1, "engagement": ("is", "set")},
		fields=["engagement", "sum(total) as total", "sum(outstanding_amount) as outstanding"],
		group_by="engagement",
	)
	by_engagement = {row.engagement: row for row in invoiced}
	for row in rows:
		row.description = strip_html(row.description or "").strip()
		figures = by_engagement.get(row.name)
		row.invoiced = flt(figures.total) if figures else 0
		row.outstanding = flt(figures.outstanding) if figures else 0
	return rows


def notes(customer: str) -> list[dict]:
	rows = frappe.get_all(
		NOTE,
		filters={"customer": customer, "visibility": access.VISIBLE_NOTE},
		fields=["name", "content", "creation", "owner", "pinned"],
		order_by="pinned desc, creation desc",
	)
	for row in rows:
		# written in the desk's text editor; cleaned again, the page shows it as it is
		row.content = sanitize_html(row.content or "")
		row.author = frappe.utils.get_fullname(row.owner)
		del row["owner"]
	return rows


def documents(customer: str) -> list[dict]:
	"""The generated documents shared on the customer's portal, the latest shared first."""
	rows = frappe.get_all(
		GENERATED_DOCUMENT,
		filters={"customer": customer, "shared_on_portal": 1},
		fields=["name", "title", "shared_on", "engagement"],
		order_by="shared_on desc, name desc",
	)
	titles = dict(
		frappe.get_all(
			ENGAGEMENT,
			filters={"name": ("in", [row.engagement for row in rows if row.engagement])},
			fields=["name", "title"],
			as_list=True,
		)
	)
	for row in rows:
		row.engagement_title = titles.get(row.engagement)
		row.pdf_url = document_url(row.name)
	return rows


DOCUMENT_DOWNLOAD = "customer_lifecycle.api.portal.download_document"


def document_url(name: str) -> str:
	from urllib.parse import urlencode

	return f"/api/method/{DOCUMENT_DOWNLOAD}?{urlencode({'document': name})}"


def document_pdf(name: str) -> tuple[str, bytes]:
	"""The PDF of a generated document of the session user's customers that is shared on the portal:
	(file name, content). Another customer's, an unshared one and one that does not exist are refused
	alike (PermissionError)."""
	doc = access.get_own_doc(GENERATED_DOCUMENT, name)
	if not doc.file or not frappe.db.exists("File", doc.file):
		frappe.throw(frappe._("This document is not available any more."), frappe.DoesNotExistError)
	file = frappe.get_doc("File", doc.file)
	return file.file_name, file.get_content()
