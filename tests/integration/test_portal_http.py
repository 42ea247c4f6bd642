"""The portal over HTTP, as a logged-in portal user: their own pages, PDF and files work; every route
to another customer's records is refused: portal page URLs, /api/resource (documents and lists with
filters), /api/method (Frappe's and the app's), the PDF download and private file URLs. And an
information request's one-time link, as a guest: it opens its own request only, and a changed id or
signature, an expired link, another request's item and a complete request are refused."""

import json

import frappe
import pytest
import requests
from frappe.utils import add_days, nowdate

from customer_lifecycle.onboarding import links
from customer_lifecycle.portal import access
from customer_lifecycle.portal.pages import PORTAL_PAGES
from tests.factories import BROKEN_PDF, make_portal_world, make_request, pdf_bytes, request_items
from tests.helpers import PASSWORD


@pytest.fixture(scope="module")
def world(site):
	return make_portal_world()


@pytest.fixture(scope="module")
def client(world, base_url):
	"""A session logged in as the first customer's portal user."""
	s = requests.Session()
	s.headers["Accept"] = "application/json"
	r = s.post(f"{base_url}/api/method/login", data={"usr": world.mine.user, "pwd": PASSWORD}, timeout=30)
	assert r.status_code == 200, r.text
	return s


def get(client, base_url, path, **params):
	return client.get(f"{base_url}{path}", params=params, timeout=30)


def post(client, base_url, method, **data):
	return client.post(f"{base_url}/api/method/{method}", data=data, timeout=30)


# --- their own portal works --------------------------------------------------------------------


@pytest.mark.parametrize("path", PORTAL_PAGES)
def test_own_pages_show_the_users_customer(client, base_url, world, path):
	r = get(client, base_url, path)
	assert r.status_code == 200, r.text[:500]
	assert world.mine.customer_name in r.text
	assert world.theirs.customer_name not in r.text


def test_own_lists_show_own_records_only(client, base_url, world):
	invoices = get(client, base_url, "/portal/invoices").text
	assert world.mine.invoice in invoices and world.mine.draft not in invoices
	notes = get(client, base_url, "/portal/notes").text
	assert "Welcome aboard" in notes and "Internal" not in notes
	detail = get(client, base_url, f"/portal/invoices/{world.mine.invoice}")
	assert detail.status_code == 200 and "Download PDF" in detail.text
	page = get(client, base_url, "/portal/requests").text
	assert f'data-request="{world.mine.request}"' in page and world.mine.request_question in page
	assert world.mine.draft_request not in page and world.theirs.request not in page


def test_own_invoice_pdf_and_own_upload_download(client, base_url, world):
	pdf = get(
		client,
		base_url,
		"/api/method/frappe.utils.print_format.download_pdf",
		doctype="Customer Invoice",
		name=world.mine.invoice,
		format="Invoice",
	)
	assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
	own_file = get(client, base_url, world.mine.file_url)
	assert own_file.status_code == 200 and own_file.content == world.mine.file_content
	own_request_file = get(client, base_url, world.mine.request_file_url)
	assert own_request_file.status_code == 200 and own_request_file.content == world.mine.request_file_content


def test_a_damaged_pdf_is_refused_with_a_message_and_the_upload_before_it_stays(client, base_url, world):
	"""Frappe reads every uploaded PDF: a damaged one is a 417 that names the file, not a 500, and
	the document uploaded before is still the item's."""
	files = {"file": ("scan-cut-short.pdf", BROKEN_PDF, "application/pdf")}
	r = client.post(
		f"{base_url}/api/method/customer_lifecycle.api.portal.upload_document",
		data={"item": world.mine.provided_item},
		files=files,
		timeout=30,
	)
	assert r.status_code == 417, r.text[:300]
	assert "scan-cut-short.pdf" in r.text and "cannot be read as a PDF" in r.text
	frappe.db.rollback()
	assert (
		frappe.db.get_value("Onboarding Checklist Item", world.mine.provided_item, "attachment")
		== world.mine.file_url
	)
	assert not frappe.db.exists("File", {"file_name": "scan-cut-short.pdf"})


def test_the_portal_user_has_no_desk(client, base_url):
	r = client.get(f"{base_url}/app/customer", timeout=30, allow_redirects=False)
	assert r.status_code != 200 or "frappe.boot" not in r.text


# --- every route to the other customer is refused ----------------------------------------------


def other_ids(world) -> dict:
	t = world.theirs
	return {
		"Customer": t.name,
		"Customer Invoice": t.invoice,
		"Customer Payment": t.payment,
		"Engagement": t.engagement,
		"Customer Note": t.visible_note,
		"Onboarding Checklist": t.checklist,
		"Information Request": t.request,
		"Contact": t.contact,
		"Address": t.address,
	}


@pytest.mark.parametrize(
	"path",
	[
		"/portal?customer={name}",
		"/portal/profile?customer={name}",
		"/portal/onboarding?customer={name}",
		"/portal/requests?customer={name}",
		"/portal/engagements?customer={name}",
		"/portal/invoices?customer={name}",
		"/portal/payments?customer={name}",
		"/portal/notes?customer={name}",
		"/portal/privacy?customer={name}",
		"/portal/invoices/{invoice}",
		"/portal/invoice?name={invoice}",
		"/portal/invoices/{draft_of_mine}",
	],
)
def test_portal_urls_of_another_customer_are_refused(client, base_url, world, path):
	r = get(
		client,
		base_url,
		path.format(name=world.theirs.name, invoice=world.theirs.invoice, draft_of_mine=world.mine.draft),
	)
	assert r.status_code == 403, r.text[:300]
	assert world.theirs.customer_name not in r.text


@pytest.mark.parametrize("doctype", [*access.CUSTOMER_FIELD, *access.LINKED])
def test_rest_and_frappe_methods_refuse_another_customers_records(client, base_url, world, doctype):
	name = other_ids(world)[doctype]
	customer_field = "name" if doctype == "Customer" else "customer"
	filters = (
		json.dumps([[customer_field, "=", world.theirs.name]])
		if doctype not in ("Contact", "Address")
		else "[]"
	)
	responses = {
		"resource": get(client, base_url, f"/api/resource/{doctype}/{name}"),
		"resource list": get(
			client, base_url, f"/api/resource/{doctype}", filters=filters, fields='["name"]'
		),
		"client.get": get(client, base_url, "/api/method/frappe.client.get", doctype=doctype, name=name),
		"client.get_value": get(
			client,
			base_url,
			"/api/method/frappe.client.get_value",
			doctype=doctype,
			filters=json.dumps({"name": name}),
			fieldname="name",
		),
		"client.get_list": get(
			client, base_url, "/api/method/frappe.client.get_list", doctype=doctype, filters=filters
		),
		"reportview": post(
			client,
			base_url,
			"frappe.desk.reportview.get",
			doctype=doctype,
			fields='["name"]',
			filters=filters,
		),
		"getdoc": get(
			client, base_url, "/api/method/frappe.desk.form.load.getdoc", doctype=doctype, name=name
		),
		"pdf": get(
			client, base_url, "/api/method/frappe.utils.print_format.download_pdf", doctype=doctype, name=name
		),
	}
	# what only their records hold (an error may repeat the id that was asked for; that is no leak)
	secrets = (world.theirs.user, frappe.db.get_value("Address", world.theirs.address, "address_line1"))
	for route, r in responses.items():
		leaked = any(secret in r.text for secret in secrets) or name in json.dumps(result_of(r))
		refused = r.status_code in (403, 417) or (r.status_code == 200 and not result_of(r))
		assert refused and not leaked, f"{route}: {r.status_code} {r.text[:300]}"


def result_of(r):
	"""What a successful call returned (a list route may answer with nothing rather than refuse)."""
	if r.status_code != 200:
		return None
	body = r.json()
	return body.get("data", body.get("message"))


@pytest.mark.parametrize("which", ["file", "request_file"])
def test_another_customers_private_file_is_refused(client, base_url, world, which):
	r = get(client, base_url, world.theirs[f"{which}_url"])
	assert r.status_code == 403, r.status_code
	assert world.theirs[f"{which}_content"] not in r.content


@pytest.mark.parametrize(
	"method,data",
	[
		("answer_item", lambda t: {"item": t.provided_item, "answer": "mine now"}),
		("answer_item", lambda t: {"item": t.provided_item, "answer": "mine now", "customer": t.name}),
		("answer_item", lambda t: {"item": t.request_question, "answer": "mine now"}),
		("upload_document", lambda t: {"item": t.request_document}),
		(
			"save_address",
			lambda t: {
				"address": t.address,
				"address_line1": "stolen",
				"city": "X",
				"country": "United Kingdom",
			},
		),
		("update_profile", lambda t: {"first_name": "Stolen", "customer": t.name}),
		("request_data", lambda t: {"kind": "export", "customer": t.name}),
		("upload_document", lambda t: {"item": t.provided_item}),
		("get_portal_access", lambda t: {"customer": t.name}),
		("invite", lambda t: {"contact": t.contact}),
		("revoke", lambda t: {"contact": t.contact}),
	],
)
def test_portal_methods_refuse_another_customers_ids(client, base_url, world, method, data):
	t = world.theirs
	files = {"file": ("x.pdf", pdf_bytes("x"), "application/pdf")} if method == "upload_document" else None
	r = client.post(
		f"{base_url}/api/method/customer_lifecycle.api.portal.{method}", data=data(t), files=files, timeout=30
	)
	assert r.status_code == 403, f"{method}: {r.status_code} {r.text[:300]}"
	frappe.db.rollback()  # read what the server committed
	item = frappe.db.get_value(
		"Onboarding Checklist Item", t.provided_item, ["answer", "attachment"], as_dict=True
	)
	assert item.answer != "mine now" and item.attachment == t.file_url
	asked = frappe.db.get_value(
		"Information Request Item", t.request_question, ["answer", "done"], as_dict=True
	)
	assert (asked.answer, asked.done) == (None, 0)
	assert (
		frappe.db.get_value("Information Request Item", t.request_document, "attachment")
		== t.request_file_url
	)
	assert frappe.db.get_value("Address", t.address, "address_line1") != "stolen"
	assert frappe.db.get_value("Contact", t.contact, ["first_name", "portal_access"]) != ("Stolen", 1)
	assert frappe.db.get_value("Contact", t.contact, "portal_access") == 1


@pytest.mark.parametrize(
	"method",
	[
		"customer_lifecycle.api.customer360.summary",
		"customer_lifecycle.api.onboarding.get_onboarding",
		"customer_lifecycle.api.billing.customer_records",
		"customer_lifecycle.api.billing.open_invoices",
		"customer_lifecycle.api.notes.get_notes",
		"customer_lifecycle.api.requests.customer_requests",
	],
)
def test_staff_methods_refuse_the_portal_user(client, base_url, world, method):
	# the arguments each method needs besides the customer (without them: a TypeError, not a refusal)
	extra = {"customer_lifecycle.api.billing.customer_records": {"ledger": "invoices"}}.get(method, {})
	for customer in (world.theirs.name, world.mine.name):
		r = get(client, base_url, f"/api/method/{method}", customer=customer, **extra)
		assert r.status_code == 403, f"{method}: {r.status_code} {r.text[:200]}"
		assert world.theirs.customer_name not in r.text


def test_guests_get_the_login_not_the_portal(base_url, world):
	r = requests.get(f"{base_url}/portal/invoices/{world.mine.invoice}", allow_redirects=False, timeout=30)
	assert r.status_code == 302 and "/login" in r.headers["Location"]
	r = requests.post(
		f"{base_url}/api/method/customer_lifecycle.api.portal.update_profile",
		data={"first_name": "Guest"},
		timeout=30,
	)
	assert r.status_code == 403


def test_staff_cannot_be_sent_a_request_by_the_portal_user(client, base_url, world):
	r = post(client, base_url, "customer_lifecycle.api.requests.send", request=world.mine.draft_request)
	assert r.status_code == 403, r.text[:300]
	frappe.db.rollback()
	assert frappe.db.get_value("Information Request", world.mine.draft_request, "status") == "Draft"


# --- an information request's one-time link, as a guest -----------------------------------------

LINK_API = "customer_lifecycle.api.requests"


@pytest.fixture(scope="module")
def linked(world):
	"""A sent request of the other customer's, answered through its one-time link by a guest."""
	frappe.set_user("Administrator")
	doc = make_request(world.theirs.name, sent=True)
	frappe.db.commit()
	asked = request_items(doc.name)
	return frappe._dict(
		name=doc.name,
		link=links.query(doc.name, add_days(nowdate(), 14)),
		question=asked["Your tax reference number"].name,
		document=asked["Bank statements for the year"].name,
	)


def guest_post(base_url, method, files=None, **data):
	return requests.post(f"{base_url}/api/method/{LINK_API}.{method}", data=data, files=files, timeout=30)


def test_the_link_opens_its_request_to_a_guest(base_url, world, linked):
	r = requests.get(f"{base_url}/request?{linked.link}", timeout=30)
	assert r.status_code == 200, r.text[:300]
	assert linked.question in r.text and world.theirs.request_question not in r.text
	assert world.theirs.customer_name not in r.text  # the page shows the request, not the customer


def test_a_guest_answers_and_uploads_through_the_link(base_url, linked):
	r = guest_post(base_url, "answer_by_link", link=linked.link, item=linked.question, answer="TAX-9")
	assert r.status_code == 200, r.text[:300]
	assert r.json()["message"]["status"] == "Partly Answered"
	content = pdf_bytes(f"statements {linked.name}")
	r = guest_post(
		base_url,
		"upload_by_link",
		files={"file": ("statements.pdf", content, "application/pdf")},
		link=linked.link,
		item=linked.document,
	)
	assert r.status_code == 200, r.text[:300]
	assert r.json()["message"]["status"] == "Complete"
	frappe.db.rollback()
	url = frappe.db.get_value("Information Request Item", linked.document, "attachment")
	# a private file: the guest (anyone holding the link) cannot download it
	r = requests.get(f"{base_url}{url}", timeout=30, allow_redirects=False)
	assert r.status_code in (401, 403, 302) and content not in r.content, r.status_code
	# complete: the link stops working, page and calls alike
	r = requests.get(f"{base_url}/request?{linked.link}", timeout=30)
	assert r.status_code == 403 and "is complete" in r.text
	r = guest_post(base_url, "answer_by_link", link=linked.link, item=linked.question, answer="again")
	assert r.status_code == 403 and "Request" in r.text
	assert frappe.db.get_value("Information Request Item", linked.question, "answer") == "TAX-9"


def refused_links(world, linked) -> dict:
	"""Links that must be refused: {what: (query string, item, status, what the message names)}."""
	mine = world.mine
	own = links.query(mine.request, add_days(nowdate(), 14))
	return {
		"changed id": (
			own.replace(mine.request, world.theirs.request),
			world.theirs.request_question,
			403,
			"Signature",
		),
		"changed signature": (own[:-6] + "abcdef", mine.request_question, 403, "Signature"),
		"no signature": (own.split("&_signature=")[0], mine.request_question, 403, "Signature"),
		"expired": (
			links.query(mine.request, add_days(nowdate(), -1)),
			mine.request_question,
			410,
			"Expires",
		),
		"another request's item": (own, world.theirs.request_question, 403, "Item"),
		"a draft": (
			links.query(mine.draft_request, add_days(nowdate(), 14)),
			mine.request_question,
			403,
			"Request",
		),
	}


@pytest.mark.parametrize(
	"what",
	["changed id", "changed signature", "no signature", "expired", "another request's item", "a draft"],
)
def test_a_changed_expired_or_foreign_link_is_refused_by_every_route(base_url, world, linked, what):
	link, item, status, field = refused_links(world, linked)[what]
	page = requests.get(f"{base_url}/request?{link}", timeout=30)
	if what != "another request's item":  # the page shows the link's own request
		assert page.status_code == 403 and field in page.text, page.text[:300]
		assert world.theirs.customer_name not in page.text
	answered = guest_post(base_url, "answer_by_link", link=link, item=item, answer="stolen")
	uploaded = guest_post(
		base_url,
		"upload_by_link",
		files={"file": ("x.pdf", pdf_bytes("x"), "application/pdf")},
		link=link,
		item=item,
	)
	for r in (answered, uploaded):
		assert r.status_code == status and field in r.text, r.text[:300]
	frappe.db.rollback()
	for question in (world.theirs.request_question, world.mine.request_question):
		assert frappe.db.get_value("Information Request Item", question, "answer") != "stolen"


def test_link_calls_refuse_get(base_url, linked):
	r = requests.get(
		f"{base_url}/api/method/{LINK_API}.answer_by_link",
		params={"link": linked.link, "item": linked.question, "answer": "by GET"},
		timeout=30,
	)
	assert r.status_code == 403
