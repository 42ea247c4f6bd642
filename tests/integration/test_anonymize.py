"""Anonymization: the customer's name typed to confirm, the workflow move, and no trace of its
personal data left anywhere in the site's database (every text column of every table searched)."""

import os
import random
import string

import frappe
import pytest
from frappe.desk.doctype.tag.tag import add_tag
from frappe.desk.form.assign_to import add as assign

from customer_lifecycle.api import portal
from customer_lifecycle.api.lifecycle import apply_action
from customer_lifecycle.api.privacy import anonymize
from customer_lifecycle.demo.customers import FakeCustomers
from customer_lifecycle.lifecycle.engine import get_settings
from customer_lifecycle.onboarding import checklists
from customer_lifecycle.portal import users, writes
from customer_lifecycle.privacy import anonymize as anonymizing
from customer_lifecycle.privacy import records, scrub
from customer_lifecycle.utils.doctypes import NOTE
from tests.factories import make_request, pdf_bytes, request_items
from tests.helpers import as_user

TEXT_TYPES = ("char", "varchar", "tinytext", "text", "mediumtext", "longtext")
# tables where a trace may stay, and why: none. (Deleted Document is not among them: what the
# anonymization deletes is deleted permanently, and copies made earlier are removed.)
ALLOWED: dict[str, str] = {}


def rare_word() -> str:
	"""A surname no other record on the site has, so a hit in the database is this customer's."""
	return "Q" + "".join(random.choices(string.ascii_lowercase, k=11))


def text_columns() -> dict[str, list[str]]:
	rows = frappe.db.sql(
		"""select table_name, column_name from information_schema.columns
		where table_schema = database() and data_type in %(types)s""",
		{"types": TEXT_TYPES},
	)
	tables: dict[str, list[str]] = {}
	for table, column in rows:
		tables.setdefault(table, []).append(column)
	return tables


def find_everywhere(needles: list[str]) -> dict[str, list[str]]:
	"""{needle: [table.column, ...]}: where each needle is still found in the site's database."""
	hits: dict[str, list[str]] = {}
	for table, columns in text_columns().items():
		for needle in needles:
			where = " or ".join(f"`{c}` like %(needle)s" for c in columns)
			found = frappe.db.sql(
				f"select * from `{table}` where {where} limit 5", {"needle": f"%{needle}%"}, as_dict=True
			)
			for row in found:
				columns_hit = [c for c in columns if needle in str(row.get(c) or "")]
				hits.setdefault(needle, []).extend(
					f"{table}.{c} ({row.get('name')})" for c in columns_hit or ["?"]
				)
	return hits


@pytest.fixture
def person(faker, make_customer):
	"""A customer with personal data in every place the app and Frappe keep it."""
	surname = rare_word()
	name = f"{faker.first_name()} {surname}"
	customer = make_customer(
		customer_name=name,
		# a number no earlier run used (error logs of earlier runs are committed)
		phone=FakeCustomers(seed=random.randint(1, 10**9), region="GB").phone(),
		customer_type="Individual",
		id_number=f"ID{random.randint(10**8, 10**9)}",
		notes=f"{name} prefers mornings",
		address_line1=f"{random.randint(1, 99)} {surname} Road",
		city="Leeds",
		country="United Kingdom",
	)
	return frappe._dict(
		doc=customer,
		name=name,
		surname=surname,
		email=customer.email,
		phone=customer.phone,
		id_number=customer.id_number,
		street=customer.address_line1,
	)


def fill_everything(person, personas, make_customer) -> dict:
	"""Notes, flags, emails, tasks, comments, files, tags, history, onboarding answers, an information
	request's message, answers and documents, and a second contact: each names the customer. Returns what the checks afterwards need."""
	doc = person.doc
	name = doc.name
	mention = f"{person.name} ({person.email}, {person.phone})"
	extra_email = f"second.{person.email}"
	extra = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": person.name.split()[0],
			"last_name": person.surname,
			"email_ids": [{"email_id": extra_email, "is_primary": 1}],
			"links": [{"link_doctype": "Customer", "link_name": name}],
		}
	).insert()
	other = make_customer()
	shared = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Shared",
			"last_name": rare_word(),
			"links": [
				{"link_doctype": "Customer", "link_name": name},
				{"link_doctype": "Customer", "link_name": other.name},
			],
		}
	).insert()
	# a note deleted earlier: Frappe kept a copy in Deleted Document
	frappe.get_doc(
		{"doctype": NOTE, "customer": name, "content": f"Wrong number for {mention}"}
	).insert().delete()
	assert frappe.db.exists(
		"Deleted Document", {"deleted_doctype": NOTE, "data": ("like", f"%{person.surname}%")}
	)
	note = frappe.get_doc({"doctype": NOTE, "customer": name, "content": f"Met {mention}"}).insert()
	note.content = f"Met {mention} again"
	note.save()
	flag = frappe.get_doc(
		{"doctype": "Customer Flag", "customer": name, "reason": f"{person.surname} owes money"}
	).insert()
	flag.status = "Resolved"
	flag.resolution_note = f"{person.name} paid"
	flag.save()
	frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Email",
			"sent_or_received": "Received",
			"sender": person.email,
			"sender_full_name": person.name,
			"subject": f"Question from {person.name}",
			"content": f"Regards, {mention}",
			"reference_doctype": "Customer",
			"reference_name": name,
		}
	).insert(ignore_permissions=True)
	# an email queued to the customer (as frappe.sendmail queues it, without needing an email account)
	frappe.get_doc(
		{
			"doctype": "Email Queue",
			"sender": "staff@example.com",
			"message": f"Subject: Hello {person.name}\n\nDear {person.name}",
			"reference_doctype": "Customer",
			"reference_name": name,
			"recipients": [{"recipient": person.email}],
		}
	).insert(ignore_permissions=True)
	assign(
		{
			"assign_to": [personas["manager"]],
			"doctype": "Customer",
			"name": name,
			"description": f"Call {mention}",
		}
	)
	doc.add_comment("Comment", f"Spoke to {mention}")
	add_tag("VIP", "Customer", name)
	attached = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"passport-{person.surname}.txt",
			"attached_to_doctype": "Customer",
			"attached_to_name": name,
			"content": f"{person.name} {person.id_number}",
			"is_private": 1,
		}
	).insert()
	on_note = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"note-{person.surname}.txt",
			"attached_to_doctype": NOTE,
			"attached_to_name": note.name,
			"content": f"about {person.name}",
			"is_private": 1,
		}
	).insert()
	doc.reload()
	doc.notes = f"{person.name} prefers afternoons now"
	doc.save()  # a Version with the old and new notes

	# the lifecycle, each reason naming the customer, with an onboarding answer on the way
	apply_action(name, "Start Onboarding", reason=f"{person.name} signed")
	checklist = checklists.open_round(name)
	item = frappe.get_all(
		"Onboarding Checklist Item", filters={"parent": checklist, "customer_provides": 1}, pluck="name"
	)[0]
	checklists.set_item_done(checklist, item, True, answer=f"Passport of {person.name}: {person.id_number}")
	# the customer's own person on the portal: a login, an answer, an upload and a data request
	portal_user = users.invite(doc.primary_contact)
	with as_user(portal_user):
		portal_item = frappe.get_all(
			"Onboarding Checklist Item",
			filters={"parent": checklist, "customer_provides": 1, "done": 0},
			pluck="name",
		)[0]
		portal.answer_item(portal_item, answer=f"I am {person.name}")
		writes.upload_document(
			doc.name, portal_item, f"id-{person.surname}.pdf", pdf_bytes(f"ID of {person.name}")
		)
		portal.update_profile(mobile_no=person.phone)
	# an information request to that person, answered on the portal
	request = make_request(name, message=f"For {mention}", sent=True)
	asked = request_items(request.name)
	with as_user(portal_user):
		writes.answer_item(
			name, asked["Your tax reference number"].name, f"{person.id_number} ({person.name})"
		)
		writes.upload_document(
			name,
			asked["Bank statements for the year"].name,
			f"bank-{person.surname}.pdf",
			pdf_bytes(f"Bank statements of {person.name}"),
		)
	for action in ("Activate", "Start Offboarding", "Complete Offboarding"):
		apply_action(name, action, reason=f"{action} for {person.email}")
	return {
		"extra": extra.name,
		"shared": shared.name,
		"other": other.name,
		"note": note.name,
		"flag": flag.name,
		"files": [attached.get_full_path(), on_note.get_full_path()],
		"checklist": checklist,
		"request": request.name,
		"extra_email": extra_email,
	}


def test_anonymize_leaves_no_personal_data_anywhere(person, personas, make_customer):
	made = fill_everything(person, personas, make_customer)
	needles = [
		person.name,
		person.surname,
		person.email,
		person.phone,
		person.id_number,
		person.street,
		made["extra_email"],
	]
	before = find_everywhere(needles)
	assert {person.surname, person.email, person.phone} <= set(before), before  # the search finds them

	with as_user(personas["manager"]):
		result = anonymize(person.doc.name, confirm_name=f"  {person.name.upper()} ")

	assert result["lifecycle_status"] == get_settings().anonymized_state
	left = {
		needle: [w for w in where if w.split(".")[0] not in ALLOWED]
		for needle, where in find_everywhere(needles).items()
	}
	left = {needle: where for needle, where in left.items() if where}
	assert not left, f"personal data left after anonymizing: {left}"
	for path in made["files"]:
		assert not os.path.exists(path), path

	customer = frappe.get_doc("Customer", person.doc.name)
	assert customer.customer_name == records.anonymous_name(customer.name)
	assert not (
		customer.email or customer.phone or customer.id_number or customer.notes or customer.address_line1
	)
	assert not (customer.primary_contact or customer.billing_address)
	# its own contact and address are gone for good; the shared contact stays, unlinked
	assert not frappe.db.exists("Contact", made["extra"])
	assert not frappe.db.exists("Deleted Document", {"deleted_name": made["extra"]})
	shared = frappe.get_doc("Contact", made["shared"])
	assert [link.link_name for link in shared.links] == [made["other"]]
	# the records stay, without their text
	assert frappe.db.get_value(NOTE, made["note"], "content") == scrub.REDACTED
	assert frappe.db.get_value("Customer Flag", made["flag"], ["reason", "resolution_note"]) == (
		scrub.REDACTED,
		None,
	)
	answers = frappe.get_all(
		"Onboarding Checklist Item", filters={"parent": made["checklist"]}, fields=["answer", "done"]
	)
	assert not any(a.answer for a in answers) and any(a.done for a in answers)
	asked = frappe.get_all(
		"Information Request Item",
		filters={"parent": made["request"]},
		fields=["answer", "attachment", "done"],
	)
	assert not any(a.answer or a.attachment for a in asked) and all(a.done for a in asked)


def test_the_log_entry_names_no_personal_data(person, personas):
	with as_user(personas["manager"]):
		anonymize(person.doc.name, confirm_name=person.name)
	changes = frappe.get_all(
		"Customer Lifecycle Change",
		filters={"customer": person.doc.name},
		fields=["to_state", "reason"],
		order_by="changed_on",
	)
	assert changes[-1].to_state == get_settings().anonymized_state
	assert changes[-1].reason == records.anonymized_reason()
	log = frappe.get_all(
		"Comment",
		filters={"reference_doctype": "Customer", "reference_name": person.doc.name, "comment_type": "Info"},
		pluck="content",
	)
	assert any("anonymized" in text for text in log)
	assert not any(person.surname in text for text in log)


def test_a_wrong_name_is_refused_and_nothing_changes(person, personas):
	with as_user(personas["manager"]), pytest.raises(anonymizing.AnonymizeConfirmationError) as error:
		anonymize(person.doc.name, confirm_name=person.surname)
	assert "Confirm Name" in str(error.value)
	customer = frappe.get_doc("Customer", person.doc.name)
	assert (customer.customer_name, customer.email) == (person.name, person.email)
	assert customer.lifecycle_status == "Prospect"


def test_the_desk_workflow_action_alone_is_refused(person, personas):
	"""The Actions menu (Frappe's apply_workflow) and the lifecycle API cannot anonymize without the
	typed confirmation: the personal data would stay under an Anonymized label."""
	with as_user(personas["manager"]), pytest.raises(anonymizing.AnonymizeConfirmationError):
		apply_action(person.doc.name, "Anonymize")
	assert frappe.db.get_value("Customer", person.doc.name, "lifecycle_status") == "Prospect"


def test_an_anonymized_customer_gets_no_personal_data_again(person, personas):
	with as_user(personas["manager"]):
		anonymize(person.doc.name, confirm_name=person.name)
	customer = frappe.get_doc("Customer", person.doc.name)
	customer.email = person.email
	with pytest.raises(frappe.ValidationError) as error:
		customer.save()
	assert "Email" in str(error.value)
	with as_user(personas["manager"]), pytest.raises(frappe.ValidationError):
		anonymize(person.doc.name, confirm_name=records.anonymous_name(person.doc.name))


def test_anonymize_only_from_states_the_workflow_allows(person, personas):
	apply_action(person.doc.name, "Start Onboarding")
	with as_user(personas["manager"]), pytest.raises(frappe.ValidationError) as error:
		anonymize(person.doc.name, confirm_name=person.name)
	assert "does not anonymize" in str(error.value)
	assert frappe.db.get_value("Customer", person.doc.name, "email") == person.email


def test_billing_records_keep_amounts_and_dates(person, personas):
	"""Invoices and payments stay for accounting: their amounts and dates, without free text."""
	name = person.doc.name
	apply_action(name, "Start Onboarding")
	apply_action(name, "Activate")
	invoice = frappe.get_doc(
		{
			"doctype": "Customer Invoice",
			"customer": name,
			"posting_date": "2026-10-01",
			"due_date": "2026-10-31",
			"notes": f"For {person.name}",
			"items": [
				{"item_code": "ADVICE", "description": f"Advice to {person.name}", "qty": 2, "rate": 150}
			],
		}
	).insert()
	invoice.submit()
	engagement = frappe.get_doc(
		{
			"doctype": "Engagement",
			"customer": name,
			"title": f"Tax return of {person.name}",
			"description": person.email,
		}
	).insert()
	document = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"letter-{person.surname}.txt",
			"attached_to_doctype": "Engagement",
			"attached_to_name": engagement.name,
			"content": f"Dear {person.name}",
			"is_private": 1,
		}
	).insert()
	apply_action(name, "Start Offboarding")
	apply_action(name, "Complete Offboarding")

	with as_user(personas["manager"]):
		anonymize(name, confirm_name=person.name)

	kept = frappe.db.get_value(
		"Customer Invoice",
		invoice.name,
		["customer", "customer_name", "total", "posting_date", "due_date", "notes", "docstatus"],
		as_dict=True,
	)
	assert (kept.customer, float(kept.total), str(kept.posting_date), str(kept.due_date), kept.docstatus) == (
		name,
		300.0,
		"2026-10-01",
		"2026-10-31",
		1,
	)
	assert kept.customer_name == records.anonymous_name(name) and not kept.notes
	row = frappe.get_all(
		"Customer Invoice Item", filters={"parent": invoice.name}, fields=["description", "amount"]
	)[0]
	assert (row.description, float(row.amount)) == (scrub.REDACTED, 300.0)
	assert frappe.db.get_value("Engagement", engagement.name, ["title", "description"]) == (
		scrub.REDACTED,
		None,
	)
	assert not os.path.exists(document.get_full_path())
	assert not find_everywhere([person.surname, person.email])
