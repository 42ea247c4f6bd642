"""Customer notes: emails logged as notes (once, unless turned off), who may delete and edit, pinned
notes first, edit history; and the delete rule over REST."""

import frappe
import pytest
from frappe.core.doctype.communication.email import make as make_email

from customer_lifecycle.api.notes import add_note, delete_note, edit_note, get_notes, pin_note
from customer_lifecycle.customers import notes
from customer_lifecycle.utils.doctypes import NOTE, SETTINGS
from tests.helpers import PASSWORD, as_user

COLLEAGUE = "cl.colleague@example.com"


@pytest.fixture(scope="session")
def colleague(site):
	"""A second Customer User, to be the author of notes the persona "user" did not write."""
	from frappe.utils.password import update_password

	if not frappe.db.exists("User", COLLEAGUE):
		user = frappe.get_doc(
			{"doctype": "User", "email": COLLEAGUE, "first_name": "Colleague", "send_welcome_email": 0}
		)
		user.add_roles("Customer User")
	update_password(COLLEAGUE, PASSWORD)
	frappe.db.commit()
	return COLLEAGUE


def notes_of(customer: str) -> list[dict]:
	return frappe.get_all(
		NOTE, filters={"customer": customer}, fields=["name", "content", "communication", "owner"]
	)


def send_email(customer, subject="Your engagement letter", content="<p>Please find the letter attached.</p>"):
	"""What the customer form's email dialog does (the same call, without the SMTP send)."""
	result = make_email(
		doctype="Customer",
		name=customer.name,
		subject=subject,
		content=content,
		recipients=customer.email,
		communication_medium="Email",
		send_email=False,
	)
	return frappe.get_doc("Communication", result["name"])


def receive_email(customer, subject="Re: Your engagement letter"):
	"""An incoming email that Frappe matched to the customer (as its email inbox does)."""
	communication = frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Email",
			"sent_or_received": "Received",
			"subject": subject,
			"content": "<p>Signed and returned.</p>",
			"sender": customer.email,
			"recipients": "office@example.com",
			"reference_doctype": "Customer",
			"reference_name": customer.name,
		}
	)
	communication.flags.in_receive = True
	return communication.insert(ignore_permissions=True)


# emails as notes


def test_a_sent_email_becomes_an_internal_note(make_customer, personas):
	customer = make_customer()
	with as_user(personas["user"]):
		communication = send_email(customer)
	[note] = notes_of(customer.name)
	assert note.communication == communication.name
	assert note.owner == personas["user"]
	assert "Your engagement letter" in note.content
	assert f"Sent to {customer.email}" in note.content
	assert "Please find the letter attached." in note.content
	assert frappe.db.get_value(NOTE, note.name, "visibility") == "Internal"


def test_a_received_email_becomes_a_note(make_customer):
	customer = make_customer()
	communication = receive_email(customer)
	[note] = notes_of(customer.name)
	assert note.communication == communication.name
	assert f"Received from {customer.email}" in note.content
	assert "Signed and returned." in note.content


def test_logging_twice_makes_one_note(make_customer):
	customer = make_customer()
	communication = send_email(customer)
	notes.on_communication(communication)
	assert notes.log_email(communication) is None
	assert len(notes_of(customer.name)) == 1


def test_the_setting_off_logs_nothing(make_customer):
	customer = make_customer()
	frappe.db.set_single_value(SETTINGS, "log_emails_as_notes", 0)
	send_email(customer)
	receive_email(customer)
	assert notes_of(customer.name) == []


def test_an_unset_setting_counts_as_on(make_customer):
	customer = make_customer()
	frappe.db.delete("Singles", {"doctype": SETTINGS, "field": "log_emails_as_notes"})
	send_email(customer)
	assert len(notes_of(customer.name)) == 1


def test_other_communications_are_not_logged(make_customer):
	customer = make_customer()
	make_email(
		doctype="Customer",
		name=customer.name,
		subject="Called",
		content="Left a message",
		communication_medium="Phone",
	)
	other = make_customer()
	make_email(
		doctype="Contact",
		name=frappe.db.get_value("Customer", other.name, "primary_contact"),
		subject="Hi",
		content="x",
		recipients=other.email,
	)
	assert notes_of(customer.name) == notes_of(other.name) == []


def test_addresses_are_escaped_and_scripts_removed(make_customer):
	customer = make_customer()
	send_email(
		customer,
		subject="Fees due <script>alert(1)</script>",
		content="<p>Pay now</p><img src=x onerror=alert(2)>",
	)
	frappe.db.set_value(
		"Communication", {"reference_name": customer.name}, "recipients", f"Grace <{customer.email}>"
	)
	communication = frappe.get_last_doc("Communication", filters={"reference_name": customer.name})
	frappe.db.delete(NOTE, {"customer": customer.name})
	notes.log_email(communication)
	[note] = notes_of(customer.name)
	assert f"Sent to Grace &lt;{customer.email}&gt;" in note.content
	assert "<p><strong>Fees due" in note.content and "Pay now" in note.content
	assert "<script" not in note.content and "onerror" not in note.content


# delete and edit rules


def test_the_author_deletes_a_note(make_customer, personas):
	customer = make_customer().name
	with as_user(personas["user"]):
		note = add_note(customer, "<p>Met at the trade fair.</p>")
		delete_note(note)
	assert not frappe.db.exists(NOTE, note)


def test_a_customer_manager_deletes_anyones_note(make_customer, personas, colleague):
	customer = make_customer().name
	with as_user(colleague):
		note = add_note(customer, "<p>Prefers morning meetings.</p>")
	with as_user(personas["manager"]):
		delete_note(note)
	assert not frappe.db.exists(NOTE, note)


def test_another_customer_user_cannot_delete_or_edit_a_note(make_customer, personas, colleague):
	customer = make_customer().name
	with as_user(colleague):
		note = add_note(customer, "<p>Original words.</p>")
	with as_user(personas["user"]):
		with pytest.raises(frappe.PermissionError):
			delete_note(note)
		with pytest.raises(frappe.PermissionError):
			frappe.delete_doc(NOTE, note)
		with pytest.raises(frappe.PermissionError):
			edit_note(note, "<p>Words put in someone's mouth.</p>")
		listed = get_notes(customer)["notes"][0]
		assert (listed["can_edit"], listed["can_delete"], listed["author"]) == (False, False, "Colleague")
		form = frappe.get_doc(NOTE, note)
		form.run_method("onload")
		assert form.get_onload().can_change is False  # the Customer Note form opens read-only
	assert frappe.db.get_value(NOTE, note, "content") == "<p>Original words.</p>"
	with as_user(colleague):
		listed = get_notes(customer)["notes"][0]
		assert (listed["can_edit"], listed["can_delete"]) == (True, True)


def test_outsiders_see_and_add_no_notes(make_customer, personas):
	customer = make_customer().name
	add_note(customer, "<p>Internal matter.</p>")
	with as_user(personas["outsider"]):
		with pytest.raises(frappe.PermissionError):
			get_notes(customer)
		with pytest.raises(frappe.PermissionError):
			add_note(customer, "<p>Hello</p>")


def test_an_empty_note_is_refused_with_the_field_named(make_customer):
	customer = make_customer().name
	with pytest.raises(frappe.MandatoryError, match="Note"):
		add_note(customer, "<p><br></p>")
	assert notes_of(customer) == []


# order, pins and history


def test_pinned_notes_come_first_then_newest_first_in_pages(make_customer, personas):
	customer = make_customer().name
	names = [add_note(customer, f"<p>Note {i}</p>") for i in range(5)]
	with as_user(personas["user"]):
		pin_note(names[1], True)
	assert frappe.db.get_value(NOTE, names[1], "pinned") == 1

	first = get_notes(customer, start=0, page_length=3)
	assert [n["name"] for n in first["notes"]] == [names[1], names[4], names[3]]
	assert first["has_more"] is True
	second = get_notes(customer, start=3, page_length=3)
	assert [n["name"] for n in second["notes"]] == [names[2], names[0]]
	assert second["has_more"] is False

	pin_note(names[1], False)
	assert [n["name"] for n in get_notes(customer)["notes"]] == list(reversed(names))


def test_pinning_is_not_an_edit(make_customer):
	customer = make_customer().name
	note = add_note(customer, "<p>Keep in view.</p>")
	pin_note(note, True)
	assert get_notes(customer)["notes"][0]["edited"] is False
	assert not frappe.db.exists("Version", {"ref_doctype": NOTE, "docname": note})


def test_an_edit_is_kept_as_a_version(make_customer, personas):
	customer = make_customer().name
	with as_user(personas["user"]):
		note = add_note(customer, "<p>Budget 10k.</p>")
		frappe.db.set_value(NOTE, note, "creation", "2026-01-01 09:00:00", update_modified=False)
		edit_note(note, "<p>Budget 12k.</p>", "Customer-visible")
	assert frappe.db.get_value(NOTE, note, ["content", "visibility"]) == (
		"<p>Budget 12k.</p>",
		"Customer-visible",
	)
	version = frappe.get_last_doc("Version", filters={"ref_doctype": NOTE, "docname": note})
	assert version.owner == personas["user"]
	assert ["content", "<p>Budget 10k.</p>", "<p>Budget 12k.</p>"] in frappe.parse_json(version.data)[
		"changed"
	]
	assert get_notes(customer)["notes"][0]["edited"] is True


def test_only_the_email_log_links_a_note_to_an_email(make_customer):
	customer = make_customer()
	communication = send_email(customer)
	forged = frappe.get_doc(
		{
			"doctype": NOTE,
			"customer": customer.name,
			"content": "<p>x</p>",
			"communication": communication.name,
		}
	).insert()
	assert forged.communication is None
	[logged] = frappe.get_all(NOTE, filters={"communication": communication.name}, pluck="name")
	doc = frappe.get_doc(NOTE, logged)
	doc.communication = None
	doc.save()
	assert frappe.db.get_value(NOTE, logged, "communication") == communication.name


# over HTTP


@pytest.fixture
def committed_note(make_customer, colleague):
	"""A note by the colleague, committed so that the served site sees it; removed afterwards."""
	customer = make_customer().name
	with as_user(colleague):
		note = add_note(customer, "<p>Committed note.</p>")
	frappe.db.commit()
	yield note
	frappe.db.rollback()
	frappe.delete_doc(NOTE, note, ignore_missing=True, force=True)
	frappe.delete_doc("Customer", customer, force=True)
	frappe.db.commit()


def test_rest_delete_by_another_customer_user_is_forbidden(http, base_url, committed_note):
	url = f"{base_url}/api/resource/Customer Note/{committed_note}"
	r = http("user").delete(url)
	assert r.status_code == 403, r.text
	frappe.db.rollback()
	assert frappe.db.exists(NOTE, committed_note)

	r = http("manager").delete(url)
	assert r.status_code == 202, r.text
	frappe.db.rollback()
	assert not frappe.db.exists(NOTE, committed_note)


def test_note_changes_refuse_get(http, base_url, committed_note):
	r = http("manager").get(
		f"{base_url}/api/method/customer_lifecycle.api.notes.delete_note", params={"note": committed_note}
	)
	assert r.status_code == 403, r.text
	frappe.db.rollback()
	assert frappe.db.exists(NOTE, committed_note)
