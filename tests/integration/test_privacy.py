"""Data rights besides anonymization: delete protection, Frappe's personal data requests, marketing
consent, and who may call the privacy API."""

import json

import frappe
import pytest
from frappe.website.doctype.personal_data_download_request.personal_data_download_request import get_user_data

from customer_lifecycle.api.lifecycle import apply_action
from customer_lifecycle.api.privacy import anonymize, anonymize_action
from customer_lifecycle.privacy import anonymize as anonymizing
from customer_lifecycle.privacy import consent, deletion
from customer_lifecycle.utils.doctypes import NOTE
from tests.helpers import as_user

ANONYMIZE = "/api/method/customer_lifecycle.api.privacy.anonymize"
ANONYMIZE_ACTION = "/api/method/customer_lifecycle.api.privacy.anonymize_action"


def billable(make_customer):
	customer = make_customer()
	apply_action(customer.name, "Start Onboarding")
	apply_action(customer.name, "Activate")
	return customer


# --- delete protection ------------------------------------------------------------------------


def test_a_customer_without_records_is_deleted_with_everything_it_owns(make_customer, personas):
	customer = make_customer(address_line1="1 High Street", city="Leeds", country="United Kingdom")
	apply_action(customer.name, "Start Onboarding", reason="first call")  # a log row and a round
	note = frappe.get_doc({"doctype": NOTE, "customer": customer.name, "content": "hello"}).insert()
	flag = frappe.get_doc(
		{"doctype": "Customer Flag", "customer": customer.name, "reason": "check ID"}
	).insert()
	contact = frappe.db.get_value("Customer", customer.name, "primary_contact")

	with as_user(personas["manager"]):
		frappe.delete_doc("Customer", customer.name)

	assert not frappe.db.exists("Customer", customer.name)
	for doctype in ("Customer Lifecycle Change", NOTE, "Customer Flag", "Onboarding Checklist"):
		assert not frappe.db.exists(doctype, {"customer": customer.name}), doctype
	assert not frappe.db.exists(NOTE, note.name) and not frappe.db.exists("Customer Flag", flag.name)
	assert contact and not frappe.db.exists("Contact", contact)


@pytest.mark.parametrize("record", ["Customer Invoice", "Engagement"])
def test_a_customer_with_billing_records_cannot_be_deleted_and_archive_is_offered(
	make_customer, personas, record
):
	customer = billable(make_customer)
	if record == "Customer Invoice":
		frappe.get_doc(
			{
				"doctype": record,
				"customer": customer.name,
				"posting_date": "2026-10-01",
				"items": [{"description": "Advice", "qty": 1, "rate": 100}],
			}
		).insert()
	else:
		frappe.get_doc({"doctype": record, "customer": customer.name, "title": "Audit"}).insert()
	frappe.local.message_log = []

	with as_user(personas["manager"]), pytest.raises(deletion.CustomerHasRecordsError) as error:
		frappe.delete_doc("Customer", customer.name)

	assert f"1 {record}" in str(error.value) and "Archive it instead" in str(error.value)
	message = frappe.local.message_log[-1]
	assert message["primary_action"]["client_action"] == "customer_lifecycle.privacy.archive"
	assert message["primary_action"]["args"] == {"customer": customer.name}
	assert frappe.db.exists("Customer", customer.name)
	assert frappe.db.get_value("Customer", customer.name, "primary_contact")


def test_an_archived_customer_with_records_is_told_it_is_archived(make_customer):
	customer = billable(make_customer)
	frappe.get_doc({"doctype": "Engagement", "customer": customer.name, "title": "Audit"}).insert()
	frappe.db.set_value("Customer", customer.name, "archived", 1)
	with pytest.raises(deletion.CustomerHasRecordsError) as error:
		frappe.delete_doc("Customer", customer.name)
	assert "archived already" in str(error.value)


# --- Frappe's personal data requests ----------------------------------------------------------


@pytest.fixture
def website_user(make_customer, faker):
	"""A website user whose email is a customer's (with its primary Contact)."""
	customer = make_customer()
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": customer.email,
			"first_name": faker.first_name(),
			"user_type": "Website User",
			"send_welcome_email": 0,
		}
	).insert(ignore_permissions=True)
	return frappe._dict(user=user.name, customer=customer)


def test_a_personal_data_download_includes_the_customer_and_its_contact(website_user, outgoing_email):
	# in test mode Frappe makes the file at once, instead of in a background job
	request = frappe.get_doc({"doctype": "Personal Data Download Request", "user": website_user.user})
	request.insert(ignore_permissions=True)
	file_url = frappe.db.get_value(
		"File",
		{"attached_to_doctype": "Personal Data Download Request", "attached_to_name": request.name},
		"file_url",
	)
	data = json.loads(frappe.get_doc("File", {"file_url": file_url}).get_content())
	assert [c["name"] for c in data["Customer"]] == [website_user.customer.name]
	assert data["Customer"][0]["phone"] == website_user.customer.phone
	assert website_user.customer.primary_contact in [c["name"] for c in data["Contact"]]


def test_a_staff_members_download_includes_the_notes_and_flags_they_wrote(make_customer, personas):
	customer = make_customer()
	with as_user(personas["manager"]):
		note = frappe.get_doc({"doctype": NOTE, "customer": customer.name, "content": "called"}).insert()
		flag = frappe.get_doc(
			{"doctype": "Customer Flag", "customer": customer.name, "reason": "late"}
		).insert()
		apply_action(customer.name, "Start Onboarding")
	data = json.loads(get_user_data(personas["manager"]))
	assert note.name in [n["name"] for n in data[NOTE]]
	assert flag.name in [f["name"] for f in data["Customer Flag"]]
	assert customer.name in [c["customer"] for c in data["Customer Lifecycle Change"]]


def test_a_personal_data_deletion_request_redacts_the_customer(website_user, outgoing_email):
	request = frappe.get_doc(
		{"doctype": "Personal Data Deletion Request", "email": website_user.user}
	).insert(ignore_permissions=True)
	request._anonymize_data()
	customer = frappe.db.get_value(
		"Customer", website_user.customer.name, ["customer_name", "email", "phone", "name_key"], as_dict=True
	)
	assert customer.customer_name == "[REDACTED]" and customer.name_key == "[REDACTED]"
	assert customer.email == request.name and website_user.customer.phone != customer.phone


# --- marketing consent ------------------------------------------------------------------------


def primary_contact(customer):
	return frappe.get_doc("Contact", frappe.db.get_value("Customer", customer.name, "primary_contact"))


def test_consent_has_a_date_and_a_source_and_may_email_follows_it(make_customer):
	customer = make_customer()
	contact = primary_contact(customer)
	assert (
		not contact.marketing_consent
		and not consent.may_email(contact.name)
		and not consent.may_email(customer.name)
	)

	contact.marketing_consent = 1
	contact.consent_source = "Web Form"
	contact.save()
	given = contact.consent_date
	assert given and contact.consent_source == "Web Form"
	assert (
		consent.may_email(contact.name) and consent.may_email(customer.name) and consent.may_email(customer)
	)

	contact.first_name = contact.first_name + "x"
	contact.save()
	assert contact.consent_date == given  # the date stays what it was when consent was given

	contact.marketing_consent = 0
	contact.save()
	assert contact.consent_date is None and not consent.may_email(customer.name)


def test_unsubscribing_withdraws_consent(make_customer):
	contact = primary_contact(make_customer())
	contact.marketing_consent = 1
	contact.save()
	contact.unsubscribed = 1
	contact.save()
	assert (contact.marketing_consent, contact.consent_date) == (0, None)
	assert not consent.may_email(contact.name)


def test_a_global_unsubscribe_of_the_address_counts_as_an_opt_out(make_customer):
	customer = make_customer()
	contact = primary_contact(customer)
	contact.marketing_consent = 1
	contact.save()
	frappe.get_doc({"doctype": "Email Unsubscribe", "email": customer.email, "global_unsubscribe": 1}).insert(
		ignore_permissions=True
	)
	assert not consent.may_email(customer.name)


def test_an_imported_contact_keeps_the_date_consent_was_given(make_customer):
	customer = make_customer()
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Imported",
			"marketing_consent": 1,
			"consent_date": "2025-03-01 10:00:00",
			"consent_source": "Import",
			"links": [{"link_doctype": "Customer", "link_name": customer.name}],
		}
	).insert()
	assert str(contact.consent_date) == "2025-03-01 10:00:00"


def test_an_anonymized_customer_is_never_emailed(make_customer, personas):
	customer = make_customer()
	contact = primary_contact(customer)
	contact.marketing_consent = 1
	contact.save()
	with as_user(personas["manager"]):
		anonymize(customer.name, confirm_name=customer.customer_name)
	assert not consent.may_email(customer.name)


# --- who may call the privacy API -------------------------------------------------------------


def test_a_customer_user_cannot_anonymize(make_customer, personas):
	customer = make_customer()
	with as_user(personas["user"]):
		assert anonymize_action(customer.name) is None
		with pytest.raises(frappe.PermissionError):
			anonymize(customer.name, confirm_name=customer.customer_name)
	with as_user(personas["manager"]):
		assert anonymize_action(customer.name) == "Anonymize"
	assert frappe.db.get_value("Customer", customer.name, "email") == customer.email


def test_another_customers_name_does_not_confirm(make_customer, personas):
	first, second = make_customer(), make_customer()
	with as_user(personas["manager"]), pytest.raises(anonymizing.AnonymizeConfirmationError):
		anonymize(second.name, confirm_name=first.customer_name)
	for customer in (first, second):
		assert frappe.db.get_value("Customer", customer.name, "email") == customer.email


@pytest.fixture
def saved_customer(make_customer):
	"""A customer committed to the database, so the running server sees it."""
	customer = make_customer()
	frappe.db.commit()
	return customer


def current(name):
	frappe.db.rollback()  # see what the server committed
	return frappe.db.get_value("Customer", name, ["lifecycle_status", "email"], as_dict=True)


@pytest.mark.parametrize("persona", [None, "outsider", "user"])
def test_guests_other_roles_and_customer_users_are_refused_over_http(http, base_url, saved_customer, persona):
	client = http(persona)
	r = client.post(
		f"{base_url}{ANONYMIZE}",
		data={"customer": saved_customer.name, "confirm_name": saved_customer.customer_name},
	)
	assert r.status_code == 403, r.text
	if persona != "user":
		assert (
			client.get(f"{base_url}{ANONYMIZE_ACTION}", params={"customer": saved_customer.name}).status_code
			== 403
		)
	assert current(saved_customer.name).email == saved_customer.email


def test_a_manager_anonymizes_over_http_with_post_only(http, base_url, saved_customer):
	manager = http("manager")
	data = {"customer": saved_customer.name, "confirm_name": saved_customer.customer_name}
	assert manager.get(f"{base_url}{ANONYMIZE}", params=data).status_code == 403
	r = manager.post(f"{base_url}{ANONYMIZE}", data={**data, "confirm_name": "someone else"})
	assert r.status_code == 417 and "Confirm Name" in r.text
	assert current(saved_customer.name).email == saved_customer.email
	r = manager.post(f"{base_url}{ANONYMIZE}", data=data)
	assert r.status_code == 200, r.text
	after = current(saved_customer.name)
	assert after.lifecycle_status == r.json()["message"]["lifecycle_status"] and after.email is None
