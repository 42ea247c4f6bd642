"""Information requests: every status a request goes through, sending (to the portal or through a
one-time link), the reminders before and after the due date (each once), the one-time link (its
expiry, a changed id or signature), what staff saves may change, isolation in process (the HTTP
routes: test_portal_http.py and test_api_permissions.py), the same answering functions as the
onboarding checklist's, the customer form's tab and header, the settings, and privacy."""

from email import message_from_string
from email.header import decode_header, make_header

import frappe
import pytest
from frappe.utils import add_days, getdate, now_datetime, nowdate

from customer_lifecycle.api import requests as api
from customer_lifecycle.customers.files import customer_folder
from customer_lifecycle.customers.summary import customer_summary
from customer_lifecycle.onboarding import items, links, requests
from customer_lifecycle.portal import access, reads, writes
from customer_lifecycle.privacy import scrub
from tests.factories import (
	BROKEN_PDF,
	make_portal_customer,
	make_request,
	pdf_bytes,
	request_items,
)
from tests.helpers import as_user

REQUEST = "Information Request"
DOCUMENT, QUESTION = "Bank statements for the year", "Your tax reference number"


def status(request: str) -> str:
	return frappe.db.get_value(REQUEST, request, "status")


def queued(request: str) -> list:
	"""The emails queued about a request, oldest first."""
	return frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": REQUEST, "reference_name": request},
		fields=["name", "message"],
		order_by="creation asc",
	)


def email_html(name: str) -> str:
	"""The HTML of a queued email, decoded."""
	message = message_from_string(frappe.db.get_value("Email Queue", name, "message"))
	for part in message.walk():
		if part.get_content_type() == "text/html":
			return part.get_payload(decode=True).decode()
	return ""


def email_subject(name: str) -> str:
	message = message_from_string(frappe.db.get_value("Email Queue", name, "message"))
	return str(make_header(decode_header(message["Subject"])))


def link_in(html: str) -> str:
	"""The query string of the one-time link in an email."""
	return html.split("/request?", 1)[1].split('"', 1)[0].replace("&amp;", "&")


def link_of(request: str, days: int = 14) -> str:
	"""The query string of a request's one-time link, as its page gets it."""
	return links.query(request, add_days(nowdate(), days))


@pytest.fixture
def customer(active_customer):
	return active_customer()


@pytest.fixture
def cached_records(site):
	"""Settings and email templates a test changes: after the rollback, their cached copies go too."""
	yield
	frappe.db.rollback()
	for doctype in ("Customer Lifecycle Settings", "Email Template"):
		frappe.clear_document_cache(doctype)


# --- status ------------------------------------------------------------------------------------


def test_a_request_goes_through_every_status(customer, outgoing_email, personas):
	doc = make_request(customer.name)
	assert (doc.status, doc.sent_on, doc.contact) == ("Draft", None, customer.primary_contact)
	assert doc.contact_email == customer.email

	with as_user(personas["user"]):
		api.send(doc.name)
	assert status(doc.name) == "Sent"
	assert frappe.db.get_value(REQUEST, doc.name, "sent_by") == personas["user"]

	link = link_of(doc.name)
	asked = request_items(doc.name)
	frappe.set_user("Guest")
	requests.answer_linked(requests.check_link(link, asked[QUESTION].name), asked[QUESTION].name, "AB 12 34")
	frappe.set_user("Administrator")
	assert status(doc.name) == "Partly Answered"

	frappe.set_user("Guest")
	result = requests.attach_linked(
		requests.check_link(link, asked[DOCUMENT].name), asked[DOCUMENT].name, "bank.pdf", pdf_bytes("bank")
	)
	frappe.set_user("Administrator")
	assert result["status"] == "Complete" and result["open"] is False
	doc.reload()
	assert doc.status == "Complete" and doc.completed_on and doc.progress == 100
	# the staff member who sent it hears
	assert frappe.db.exists(
		"Notification Log", {"for_user": personas["user"], "subject": ("like", f"%{doc.title}%complete%")}
	)

	# staff untick an item (it came wrong): the request is open again, then overdue after its date
	doc.items[0].done = 0
	doc.save()
	assert (doc.status, doc.completed_on) == ("Partly Answered", None)
	frappe.db.set_value(REQUEST, doc.name, "due_date", add_days(nowdate(), -1))
	requests.mark_overdue()
	assert status(doc.name) == "Overdue"
	doc.reload()
	doc.items[0].done = 1
	doc.save()
	assert status(doc.name) == "Complete"


def test_overdue_comes_from_sent_too_and_an_optional_item_does_not_hold_a_request_open(customer):
	doc = make_request(
		customer.name, items=((QUESTION, "Question"), ("Anything else?", "Question", 0)), sent=True
	)
	frappe.db.set_value(REQUEST, doc.name, "due_date", add_days(nowdate(), -2))
	requests.daily()
	assert status(doc.name) == "Overdue"
	asked = request_items(doc.name)
	items.answer(REQUEST, doc.name, asked[QUESTION].name, "42")
	assert status(doc.name) == "Complete"
	# an empty answer takes it back
	items.answer(REQUEST, doc.name, asked[QUESTION].name, "  ")
	assert status(doc.name) == "Overdue"
	assert not frappe.db.get_value("Information Request Item", asked[QUESTION].name, "done")


# --- sending -----------------------------------------------------------------------------------


def test_sending_emails_a_one_time_link_to_a_contact_without_a_portal_login(customer, outgoing_email):
	doc = make_request(
		customer.name,
		items=(("Statements <b>all</b> & more", "Document"),),
		message="Dear client,\n<script>alert(1)</script> thanks",
	)
	requests.send(doc.name)
	[email] = queued(doc.name)
	html = email_html(email.name)
	assert links.verify(link_in(html)) == doc.name
	# what people typed shows as text, never as markup (Frappe stores text holding < or > sanitized,
	# as HTML; the email escapes it once more)
	assert "<script>" not in html and "script&amp;gt;" in html
	assert "<b>all" not in html and "Statements &lt;b&gt;all" in html
	assert frappe.get_doc("Email Queue", email.name).recipients[0].recipient == customer.email
	assert frappe.db.exists(
		"Customer Note",
		{"customer": customer.name, "visibility": "Internal", "content": ("like", f"%{doc.name} sent to%")},
	)
	# sent again: a second email, a note that says so, and the request as it was
	requests.send(doc.name)
	assert len(queued(doc.name)) == 2 and status(doc.name) == "Sent"


def test_a_contact_with_a_portal_login_is_sent_to_the_portal(outgoing_email):
	mine = make_portal_customer("mine")
	doc = make_request(mine.name)
	requests.send(doc.name)
	html = email_html(queued(doc.name)[0].name)
	assert f"/portal/requests?customer={mine.name}" in html and "/request?" not in html


def test_what_cannot_be_sent_is_refused_naming_the_field(customer, make_customer, outgoing_email):
	other = make_customer()
	with pytest.raises(frappe.ValidationError, match="Contact"):
		make_request(customer.name, contact=other.primary_contact)
	no_contact = make_customer(email=None, phone=None)
	with pytest.raises(frappe.MandatoryError, match="Contact"):
		make_request(no_contact.name)
	no_email = make_customer(email=None)  # its contact is made from its phone
	doc = make_request(no_email.name)
	with pytest.raises(frappe.MandatoryError, match="Contact"):
		requests.send(doc.name)
	late = make_request(customer.name, due_in=-1)
	with pytest.raises(frappe.ValidationError, match="Due Date"):
		requests.send(late.name)
	done = make_request(customer.name, items=((QUESTION, "Question"),), sent=True)
	items.answer(REQUEST, done.name, request_items(done.name)[QUESTION].name, "42")
	with pytest.raises(frappe.ValidationError, match="Status"):
		requests.send(done.name)
	assert status(doc.name) == status(late.name) == "Draft"


def test_without_an_email_account_sending_is_refused_and_nothing_changes(customer):
	frappe.db.delete("Email Account")  # rolled back with the test
	frappe.local.outgoing_email_account = {}
	doc = make_request(customer.name)
	with pytest.raises(frappe.ValidationError, match="Email Account"):
		requests.send(doc.name)
	assert status(doc.name) == "Draft" and not frappe.db.get_value(REQUEST, doc.name, "sent_on")
	assert not frappe.db.exists(
		"Customer Note", {"customer": customer.name, "content": ("like", "%sent to%")}
	)


# --- what a save may change --------------------------------------------------------------------


def test_a_save_never_sets_what_the_app_records(customer, make_customer, personas):
	with as_user(personas["user"]):
		doc = frappe.get_doc(
			{
				"doctype": REQUEST,
				"customer": customer.name,
				"title": "Signed form",
				"due_date": add_days(nowdate(), 5),
				"status": "Complete",
				"sent_on": now_datetime(),
				"items": [{"title": "Signed form", "kind": "Document"}],
			}
		).insert()
	assert (doc.status, doc.sent_on) == ("Draft", None)
	requests.mark_sent(doc)
	other = make_customer()
	with as_user(personas["user"]):
		doc = frappe.get_doc(REQUEST, doc.name)
		doc.customer = other.name
		doc.items[0].title = "Something else"
		doc.items[0].kind = "Question"
		doc.due_date = add_days(nowdate(), 9)
		doc.message = "Any time this week"
		doc.status = "Complete"
		doc.save()
		doc.reload()
		assert (doc.customer, doc.items[0].title, doc.items[0].kind) == (
			customer.name,
			"Signed form",
			"Document",
		)
		assert (getdate(doc.due_date), doc.message, doc.status) == (
			getdate(add_days(nowdate(), 9)),
			"Any time this week",
			"Sent",
		)
		doc.append("items", {"title": "One more", "kind": "Question"})
		with pytest.raises(frappe.ValidationError, match="Items"):
			doc.save()


# --- reminders ---------------------------------------------------------------------------------


@pytest.fixture
def reminder_schedule(cached_records):
	settings = frappe.get_single("Customer Lifecycle Settings")
	settings.request_reminder_days_before = "3"
	settings.request_reminder_days_after = "2"
	settings.save()


def test_reminders_go_before_and_after_the_due_date_once_each(customer, outgoing_email, reminder_schedule):
	doc = make_request(customer.name, due_in=3, sent=True)
	# sent ten days ago
	frappe.db.set_value(REQUEST, doc.name, "sent_on", add_days(now_datetime(), -10))
	complete = make_request(customer.name, items=((QUESTION, "Question"),), due_in=3, sent=True)
	items.answer(REQUEST, complete.name, request_items(complete.name)[QUESTION].name, "42")

	assert doc.name in requests.send_reminders()
	assert requests.send_reminders() == []  # once for that step
	[before] = queued(doc.name)
	assert email_subject(before.name).startswith(f"Reminder: {doc.title}, due")
	assert queued(complete.name) == []

	# two days after the due date: the reminder after it, and the request overdue
	frappe.db.set_value(REQUEST, doc.name, "due_date", add_days(nowdate(), -2))
	requests.daily()
	requests.daily()
	emails = queued(doc.name)
	assert len(emails) == 2 and email_subject(emails[1].name).startswith(f"Overdue: {doc.title}, due")
	doc.reload()
	assert [(r.days_from_due, r.sent_to) for r in doc.reminders] == [
		(-3, customer.email),
		(2, customer.email),
	]
	assert doc.status == "Overdue"
	# each reminder carries a link that works, and lists what is still missing
	html = email_html(emails[1].name)
	assert links.verify(link_in(html)) == doc.name and DOCUMENT in html


def test_no_reminder_for_a_step_that_had_passed_when_the_request_went(
	customer, outgoing_email, reminder_schedule
):
	doc = make_request(customer.name, due_in=1, sent=True)  # sent today, one day before it is due
	assert requests.send_reminders() == []
	assert queued(doc.name) == []


def test_a_request_that_cannot_be_emailed_does_not_stop_the_others(
	customer, outgoing_email, reminder_schedule
):
	first, second = (make_request(customer.name, due_in=3, sent=True) for _ in range(2))
	frappe.db.set_value(
		REQUEST, {"name": ("in", [first.name, second.name])}, "sent_on", add_days(now_datetime(), -5)
	)
	frappe.db.set_value("Email Template", "Information Request Reminder", "response_html", "{{ broken(")
	frappe.clear_document_cache("Email Template")
	assert requests.send_reminders() == []
	assert frappe.db.exists("Error Log", {"method": ("like", "%reminder not sent%")})


# --- the one-time link -------------------------------------------------------------------------


def test_the_link_opens_its_request_only_until_it_runs_out_or_the_request_is_complete(customer):
	doc = make_request(customer.name, sent=True)
	other = make_request(customer.name, sent=True)
	link = link_of(doc.name)
	assert links.verify(link) == links.verify("?" + link) == doc.name
	assert links.make(doc.name, add_days(nowdate(), 3)).endswith(link_of(doc.name, 3))

	# a changed id, day or signature
	for changed in (
		link.replace(doc.name, other.name),
		link.replace("expires=", "expires=2099-01-01&x="),
		link[:-4] + ("0000" if not link.endswith("0000") else "1111"),
		link.split("&_signature=")[0],
		"",
	):
		with pytest.raises(links.LinkRefusedError, match="Signature"):
			links.verify(changed)
	# a day that passed
	with pytest.raises(links.LinkExpiredError, match="Expires") as error:
		links.verify(link_of(doc.name, -1))
	assert error.value.http_status_code == 410
	# an item of another request, through this request's link
	foreign = request_items(other.name)[QUESTION].name
	with pytest.raises(links.LinkRefusedError, match="Item"):
		requests.check_link(link, foreign)
	# a draft, and a request once complete
	draft = make_request(customer.name)
	with pytest.raises(links.LinkRefusedError, match="Request"):
		links.verify(link_of(draft.name))
	asked = request_items(doc.name)
	items.answer(REQUEST, doc.name, asked[QUESTION].name, "42")
	items.attach(REQUEST, doc.name, asked[DOCUMENT].name, "bank.pdf", pdf_bytes("link bank"))
	with pytest.raises(links.LinkRefusedError, match="complete"):
		requests.check_link(link, asked[QUESTION].name)


def test_a_question_takes_words_and_a_document_a_file(customer):
	doc = make_request(customer.name, sent=True)
	asked = request_items(doc.name)
	with pytest.raises(frappe.ValidationError, match="Answer"):
		items.answer(REQUEST, doc.name, asked[DOCUMENT].name, "see attached")
	with pytest.raises(frappe.ValidationError, match="Document"):
		items.attach(REQUEST, doc.name, asked[QUESTION].name, "x.pdf", pdf_bytes("x"))
	with pytest.raises(frappe.ValidationError, match=r"broken\.pdf"):
		items.attach(REQUEST, doc.name, asked[DOCUMENT].name, "broken.pdf", BROKEN_PDF)
	assert status(doc.name) == "Sent"


# --- isolation in process ----------------------------------------------------------------------


def test_a_portal_user_reaches_their_sent_requests_only(outgoing_email):
	mine, theirs = make_portal_customer("mine"), make_portal_customer("theirs")
	with as_user(mine.user):
		# what the portal's rule allows (role rights aside: test_portal.py grants them too)
		assert access.is_own(frappe.get_doc(REQUEST, mine.request))
		for other in (mine.draft_request, theirs.request):
			assert not access.is_own(frappe.get_doc(REQUEST, other))
			assert not frappe.has_permission(REQUEST, "read", other)
		page = reads.information_requests(mine.name)
		assert [r["name"] for r in page["open_requests"]] == [mine.request]
		draft_item = request_items(mine.draft_request)
		for item in (theirs.request_question, next(iter(draft_item.values())).name, "no-such-item"):
			with pytest.raises(frappe.PermissionError):
				writes.answer_item(mine.name, item, "mine now")
		with pytest.raises(frappe.PermissionError):
			writes.upload_document(mine.name, theirs.request_document, "x.pdf", pdf_bytes("x"))
		with pytest.raises(frappe.PermissionError):
			access.customer_for(theirs.name)
	assert not frappe.db.get_value("Information Request Item", theirs.request_question, "answer")


def test_one_mechanism_answers_checklist_and_request_items_alike(outgoing_email):
	mine = make_portal_customer("mine")
	with as_user(mine.user):
		writes.answer_item(mine.name, mine.provided_item, "  Passport 123 ")
		writes.answer_item(mine.name, mine.request_question, "  TAX-123 ")
		writes.upload_document(mine.name, mine.provided_item, "id.pdf", pdf_bytes("id"))
		page = writes.upload_document(mine.name, mine.request_document, "passport.pdf", pdf_bytes("passport"))
	assert page["open_requests"] == [] and page["completed_requests"][0].name == mine.request
	for doctype, item, answer in (
		("Onboarding Checklist Item", mine.provided_item, "Passport 123"),
		("Information Request Item", mine.request_question, "TAX-123"),
	):
		row = frappe.db.get_value(doctype, item, ["answer", "done", "done_by", "done_on"], as_dict=True)
		assert (row.answer, row.done, row.done_by) == (answer, 1, mine.user) and row.done_on
	for doctype, item, parent in (
		("Onboarding Checklist Item", mine.provided_item, mine.checklist),
		("Information Request Item", mine.request_document, mine.request),
	):
		file = frappe.get_doc("File", {"file_url": frappe.db.get_value(doctype, item, "attachment")})
		assert (file.is_private, file.owner, file.attached_to_name) == (1, mine.user, parent)
		assert file.folder == customer_folder(mine.name)
	assert status(mine.request) == "Complete"
	# once complete, the customer's answers stay as they were
	with as_user(mine.user), pytest.raises(frappe.PermissionError, match="Item"):
		writes.answer_item(mine.name, mine.request_question, "changed my mind")


# --- the customer form, its header, the settings -----------------------------------------------


def test_the_requests_tab_and_the_header_count_open_requests(customer, personas):
	draft = make_request(customer.name)
	sent = make_request(customer.name, sent=True)
	overdue = make_request(customer.name, sent=True)
	frappe.db.set_value(REQUEST, overdue.name, "due_date", add_days(nowdate(), -1))
	requests.mark_overdue()
	with as_user(personas["user"]):
		page = api.customer_requests(customer.name)
		assert [r.name for r in page["rows"]] == [overdue.name, sent.name, draft.name]
		assert page["total"] == 3
		assert [r.name for r in api.customer_requests(customer.name, start=1, page_length=1)["rows"]] == [
			sent.name
		]
	assert customer_summary(customer.name)["open_requests"] == 2
	with as_user(personas["outsider"]), pytest.raises(frappe.PermissionError):
		api.customer_requests(customer.name)


def test_the_reminder_schedule_and_link_days_are_checked_naming_the_field(cached_records):
	settings = frappe.get_single("Customer Lifecycle Settings")
	settings.request_reminder_days_before = " 7,3, 1,3 "
	settings.save()
	assert settings.request_reminder_days_before == "1, 3, 7"
	settings.request_reminder_days_after = "1, soon"
	with pytest.raises(frappe.ValidationError, match=r"Remind Days After Due.*soon"):
		settings.save()
	settings.reload()
	settings.request_link_days = 0
	with pytest.raises(frappe.ValidationError, match="Links Work For"):
		settings.save()


# --- privacy -----------------------------------------------------------------------------------


def test_a_deleted_customer_takes_its_requests_with_it(make_customer):
	prospect = make_customer()
	doc = make_request(prospect.name, sent=True)
	frappe.delete_doc("Customer", prospect.name)
	assert not frappe.db.exists(REQUEST, doc.name)


def test_anonymizing_removes_what_requests_hold(customer, outgoing_email):
	doc = make_request(customer.name, message=f"For {customer.customer_name}")
	requests.send(doc.name)
	asked = request_items(doc.name)
	items.answer(REQUEST, doc.name, asked[QUESTION].name, "my secret number")
	items.attach(REQUEST, doc.name, asked[DOCUMENT].name, "statements.pdf", pdf_bytes("anon statements"))
	scrub.scrub_requests(customer.name, [doc.name])
	doc.reload()
	assert (doc.message, doc.contact, doc.contact_email) == (None, None, None)
	assert not any(row.answer or row.attachment for row in doc.items)
	assert queued(doc.name) == []
