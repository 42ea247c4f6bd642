"""Generated documents on the test site: templates checked when saved, documents rendered (with what is
missing left empty), printed to PDF with the letter head and filed in the customer's folder, emailed
to a contact (logged as a note), shared on the portal, and gone with the customer."""

import html
import io

import frappe
import pytest
from pypdf import PdfReader

from customer_lifecycle.api import documents as api
from customer_lifecycle.customers.documents import generation, setup
from customer_lifecycle.customers.documents.generation import DocumentTemplateError
from customer_lifecycle.customers.files import customer_folder
from customer_lifecycle.customers.summary import customer_summary
from customer_lifecycle.portal import access, reads
from tests.factories import unique, unique_email
from tests.helpers import as_user

EXAMPLES = ("Engagement Letter", "Statement of Account", "Welcome Letter")
TEMPLATE = "Document Template"
GENERATED = "Generated Document"


def pdf_text(content: bytes) -> str:
	"""The PDF's words, one space between each (the extracted text may separate them by tabs)."""
	return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def file_content(doc) -> bytes:
	return frappe.get_doc("File", doc.file).get_content()


def make_template(body: str, **fields):
	return frappe.get_doc(
		{"doctype": TEMPLATE, "template_name": unique("Test Letter"), "template": body, **fields}
	).insert()


@pytest.fixture
def full_customer(active_customer):
	"""An active customer with a primary contact (from its email), a billing address (from its
	lines) and an engagement."""
	customer = active_customer(
		customer_name=unique("Grace Hopper"),
		email=unique_email("grace.hopper"),
		address_line1="7 Harbour Lane",
		city="Portsmouth",
		pincode="PO1 3AX",
	)
	engagement = frappe.get_doc(
		{
			"doctype": "Engagement",
			"customer": customer.name,
			"title": "Compiler audit",
			"description": "<p>Review the <b>compiler</b></p>",
			"due_date": "2031-03-01",
		}
	).insert()
	return frappe.get_doc("Customer", customer.name), engagement.name


# --- the examples ---------------------------------------------------------------------------------


def test_the_three_examples_are_seeded_and_render_for_a_customer(full_customer):
	customer, engagement = full_customer
	for name in EXAMPLES:
		assert frappe.db.exists(TEMPLATE, name), name
		doc = generation.generate(customer.name, name, engagement if name == "Engagement Letter" else None)
		assert customer.customer_name in doc.body, name
		assert pdf_text(file_content(doc)).strip(), name
	letter = frappe.get_all(
		GENERATED, filters={"customer": customer.name, "title": "Engagement Letter"}, pluck="body"
	)[0]
	assert "Compiler audit" in letter and "<b>compiler</b>" in letter and "7 Harbour Lane" in letter


def test_seeding_leaves_an_admins_templates_alone():
	"""Migrate seeds the examples only on a site without any template: an edited one stays edited, a
	deleted one stays deleted while others are kept."""
	frappe.db.set_value(TEMPLATE, "Welcome Letter", "template", "<p>Our own welcome</p>")
	# force: on a site with documents of it (the benchmark's) an admin would delete those first
	frappe.delete_doc(TEMPLATE, "Statement of Account", force=True)
	setup.ensure_document_records()
	assert frappe.db.get_value(TEMPLATE, "Welcome Letter", "template") == "<p>Our own welcome</p>"
	assert not frappe.db.exists(TEMPLATE, "Statement of Account")
	assert frappe.db.exists("Email Template", "Generated Document")


# --- a template is checked when it is saved -------------------------------------------------------


@pytest.mark.parametrize(
	("body", "line", "message"),
	[
		("<p>Dear</p>\n<p>{{ customer.customer_name }\n</p>", 2, "unexpected '}'"),
		("<p>Dear</p>\n<p>{{ contact.first_nam }}</p>", 2, "contact has no field 'first_nam'"),
		("<p>\n\n{{ custmer.customer_name }}</p>", 3, "'custmer' is undefined"),
		# a customer with no invoices: the bare sample has none
		("{{ customer.customer_name }}\n{{ 100 / (open_invoices | length) }}", 2, "division by zero"),
	],
	ids=["syntax", "misspelt field", "unknown name", "error on missing data"],
)
def test_a_template_that_cannot_render_is_refused_with_its_line(body, line, message):
	with pytest.raises(DocumentTemplateError) as e:
		make_template(body)
	text = html.unescape(str(e.value))  # the message is HTML: what the template says is escaped
	assert "Template" in text and f"line {line}" in text and message in text, text
	assert not frappe.db.exists(TEMPLATE, {"template": body})


def test_an_edit_that_breaks_a_template_is_refused_and_the_template_stays():
	template = make_template("<p>{{ customer.customer_name }}</p>")
	template.template = "<p>{{ customer.customer_name }}</p>\n{% for x in %}"
	with pytest.raises(DocumentTemplateError, match="line 2"):
		template.save()
	assert frappe.db.get_value(TEMPLATE, template.name, "template") == "<p>{{ customer.customer_name }}</p>"


# --- generating -----------------------------------------------------------------------------------


def test_a_customer_with_nothing_but_a_name_gets_a_document(make_customer):
	"""No primary contact, no billing address, no engagement, no invoices: the missing parts print
	as nothing, and the document is made, filed and counted."""
	customer = make_customer(customer_name=unique("Bare Customer"), email=None, phone=None)
	assert not customer.primary_contact and not customer.billing_address
	template = make_template(
		"<p>Dear {{ contact.first_name or customer.customer_name }}</p>"
		"<p>[{{ address.display }}][{{ contact.email_id }}][{{ engagement.title | upper }}]</p>"
		"{% for invoice in open_invoices %}{{ invoice.name }}{% endfor %}"
	)
	before = customer_summary(customer.name)
	doc = generation.generate(customer.name, template.name)
	assert f"<p>Dear {customer.customer_name}</p><p>[][][]</p>" in doc.body
	after = customer_summary(customer.name)
	assert (after["documents"], after["files"]) == (before["documents"] + 1, before["files"] + 1)


def test_the_pdf_is_frappes_print_with_the_letter_head_filed_privately_in_the_customers_folder(
	full_customer,
):
	customer, _engagement = full_customer
	letter_head = frappe.get_doc(
		{
			"doctype": "Letter Head",
			"letter_head_name": unique("Test Firm Head"),
			"source": "HTML",
			"content": "<p>LETTERHEAD OF THE TEST FIRM</p>",
		}
	).insert()
	template = make_template("<p>Body for {{ customer.customer_name }}</p>", letter_head=letter_head.name)
	doc = generation.generate(customer.name, template.name)
	file = frappe.get_doc("File", doc.file)
	assert (file.is_private, file.attached_to_doctype, file.attached_to_name) == (
		1,
		"Customer",
		customer.name,
	)
	assert file.folder == customer_folder(customer.name)
	assert (
		doc.file_url == file.file_url
		and file.file_name == f"{template.name.lower().replace(' ', '-')}-{doc.name}.pdf"
	)
	content = file.get_content()
	assert content.startswith(b"%PDF")
	text = pdf_text(content)
	assert "LETTERHEAD OF THE TEST FIRM" in text and f"Body for {customer.customer_name}" in text
	assert frappe.db.get_value(GENERATED, doc.name, ["title", "letter_head"]) == (
		template.name,
		letter_head.name,
	)


def test_the_customers_text_is_escaped_in_the_document(make_customer):
	# no email or phone: a contact would be named after the customer, and a name with < > is refused
	customer = make_customer(
		customer_name=unique('Bobby <img src="http://evil.example/x.png">'), email=None, phone=None
	)
	template = make_template("<h1>{{ customer.customer_name }}</h1>")
	doc = generation.generate(customer.name, template.name)
	assert "<img" not in doc.body and "&lt;img src=" in doc.body


def test_the_firms_details_come_from_the_settings():
	settings = frappe.get_single("Customer Lifecycle Settings")
	settings.update(
		{
			"firm_name": "Hopper & Co",
			"firm_address": "1 Dock Road\nPortsmouth",
			"firm_email": "desk@hopper.example",
		}
	)
	settings.save()
	customer = frappe.get_doc({"doctype": "Customer", "customer_name": unique("Firm Reader")}).insert()
	template = make_template("{{ firm.name }}|{{ firm.address_lines | join(' / ') }}|{{ firm.email }}")
	doc = generation.generate(customer.name, template.name)
	assert "Hopper &amp; Co|1 Dock Road / Portsmouth|desk@hopper.example" in doc.body


def test_another_customers_engagement_is_refused_naming_the_field(full_customer, make_customer):
	_customer, engagement = full_customer
	other = make_customer()
	template = make_template("<p>{{ engagement.title }}</p>")
	with pytest.raises(frappe.ValidationError, match="Engagement"):
		generation.generate(other.name, template.name, engagement)
	assert not frappe.db.exists(GENERATED, {"customer": other.name})


def test_a_disabled_template_is_refused(make_customer):
	template = make_template("<p>x</p>", disabled=1)
	with pytest.raises(frappe.ValidationError, match="disabled"):
		generation.generate(make_customer().name, template.name)


def test_a_template_broken_behind_the_check_fails_with_its_line_not_a_crash(make_customer):
	"""Even a template changed without its check (straight in the database) stops with the template,
	its line and the error, and nothing is filed."""
	customer = make_customer()
	template = make_template("<p>{{ customer.customer_name }}</p>")
	frappe.db.set_value(TEMPLATE, template.name, "template", "<p>ok</p>\n{{ 1 / 0 }}")
	frappe.clear_document_cache(TEMPLATE, template.name)
	files = frappe.db.count("File", {"attached_to_name": customer.name})
	with pytest.raises(DocumentTemplateError, match="line 2: ZeroDivisionError"):
		generation.generate(customer.name, template.name)
	assert frappe.db.count("File", {"attached_to_name": customer.name}) == files


def test_the_api_lists_the_customers_documents_newest_first(full_customer, personas):
	customer, engagement = full_customer
	template = make_template("<p>{{ engagement.title }}</p>")
	with as_user(personas["user"]):
		first = api.generate(customer.name, template.name, engagement)
		second = api.generate(customer.name, template.name)
		page = api.customer_documents(customer.name)
	assert [row.name for row in page["rows"]] == [second["name"], first["name"]] and page["total"] == 2
	assert page["rows"][1].engagement_title == "Compiler audit"
	assert page["rows"][0].generated_by == frappe.utils.get_fullname(personas["user"])


# --- emailing -------------------------------------------------------------------------------------


def test_emailing_a_document_to_a_contact_queues_it_with_the_pdf_and_logs_a_note(
	full_customer, outgoing_email
):
	customer, _engagement = full_customer
	doc = generation.generate(customer.name, "Welcome Letter")
	result = api.email_document(doc.name, customer.primary_contact)
	assert result["sent_to"] == customer.email
	queued = frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": GENERATED, "reference_name": doc.name},
		fields=["name", "attachments", "message"],
	)
	assert len(queued) == 1 and doc.file in queued[0].attachments
	assert (
		frappe.db.get_value("Email Queue Recipient", {"parent": queued[0].name}, "recipient")
		== customer.email
	)
	note = frappe.get_all(
		"Customer Note", filters={"customer": customer.name, "visibility": "Internal"}, pluck="content"
	)
	assert any("Welcome Letter" in n and doc.name in n and customer.email in n for n in note), note
	assert frappe.db.get_value(GENERATED, doc.name, "last_emailed_on")


def test_a_contact_of_another_customer_is_refused_and_nothing_is_sent(
	full_customer, active_customer, outgoing_email
):
	customer, _engagement = full_customer
	stranger = active_customer(email=unique_email("stranger"))
	doc = generation.generate(customer.name, "Welcome Letter")
	notes = frappe.db.count("Customer Note", {"customer": customer.name})
	with pytest.raises(frappe.ValidationError, match="Contact"):
		api.email_document(doc.name, stranger.primary_contact)
	assert not frappe.db.exists("Email Queue", {"reference_name": doc.name})
	assert frappe.db.count("Customer Note", {"customer": customer.name}) == notes


# --- the portal -----------------------------------------------------------------------------------


@pytest.fixture
def portal_pair():
	"""Two portal customers (tests.factories.make_portal_customer), each with a shared engagement
	letter (not committed)."""
	from tests.factories import make_portal_customer

	return make_portal_customer("mine"), make_portal_customer("theirs")


def test_shared_documents_reach_their_customers_portal_only(portal_pair):
	mine, theirs = portal_pair
	unshared = generation.generate(mine.name, "Welcome Letter")
	assert frappe.db.get_value(GENERATED, mine.document, ["shared_on_portal", "shared_by"]) == (
		1,
		"Administrator",
	)
	with as_user(mine.user):
		listed = [row.name for row in reads.documents(mine.name)]
		assert listed == [mine.document]
		name, content = reads.document_pdf(mine.document)
		# (a file of that name left on disk by a rolled-back test gets Frappe's hash after the name)
		assert content.startswith(b"%PDF") and mine.document in name and name.endswith(".pdf")
		for refused in (theirs.document, unshared.name, "GDOC-0000-00000"):
			with pytest.raises(frappe.PermissionError):
				reads.document_pdf(refused)
		assert not frappe.has_permission(GENERATED, "read", theirs.document)
		# the portal role has no desk read of the DocType (test_portal.py grants one and lists)
		with pytest.raises(frappe.PermissionError):
			frappe.get_list(GENERATED, pluck="name")


def test_unsharing_takes_a_document_off_the_portal(portal_pair):
	mine, _theirs = portal_pair
	row = api.share_on_portal(mine.document, False)
	assert row.shared_on_portal == 0 and not row.shared_on
	assert frappe.db.get_value(GENERATED, mine.document, ["shared_on", "shared_by"]) == (None, None)
	with as_user(mine.user):
		assert reads.documents(mine.name) == []
		with pytest.raises(frappe.PermissionError):
			reads.document_pdf(mine.document)
		assert not access.has_website_permission(frappe.get_doc(GENERATED, mine.document))


# --- gone with the customer -----------------------------------------------------------------------


def test_deleting_a_document_deletes_its_pdf(make_customer):
	customer = make_customer()
	doc = generation.generate(customer.name, "Welcome Letter")
	frappe.delete_doc(GENERATED, doc.name)
	assert not frappe.db.exists("File", doc.file)


def test_a_deleted_prospect_takes_its_documents_and_pdfs(make_customer):
	customer = make_customer()
	doc = generation.generate(customer.name, "Welcome Letter")
	frappe.delete_doc("Customer", customer.name)
	assert not frappe.db.exists(GENERATED, doc.name) and not frappe.db.exists("File", doc.file)


def test_anonymizing_removes_the_documents_and_their_pdfs(full_customer):
	from customer_lifecycle.lifecycle.engine import apply_action
	from customer_lifecycle.privacy.anonymize import anonymize

	customer, engagement = full_customer
	doc = generation.generate(customer.name, "Engagement Letter", engagement)
	for action in ("Start Offboarding", "Complete Offboarding"):
		apply_action(customer.name, action)
	anonymize(customer.name, confirm_name=customer.customer_name)
	assert not frappe.db.exists(GENERATED, doc.name) and not frappe.db.exists("File", doc.file)
	assert not frappe.db.sql(
		"select name from `tabDeleted Document` where data like %s", (f"%{customer.customer_name}%",)
	)
