"""The customer portal in process: invite and revoke, what each page shows, what a portal user may
change (with the desk's validation), and that records of other customers stay out of reach even when
an admin gives the portal role read rights."""

import frappe
import pytest
from frappe.permissions import add_permission

from customer_lifecycle.api import portal as api
from customer_lifecycle.portal import access, reads, users, writes
from customer_lifecycle.portal.context import build
from customer_lifecycle.utils.doctypes import PORTAL_ROLE
from tests.factories import BROKEN_PDF, pdf_bytes
from tests.factories import make_portal_customer as portal_customer
from tests.helpers import as_user


@pytest.fixture
def mine(outgoing_email):
	return portal_customer("mine")


@pytest.fixture
def theirs(outgoing_email):
	return portal_customer("theirs")


# --- invite and revoke -------------------------------------------------------------------------


def test_invite_makes_a_website_user_with_the_portal_role_and_a_welcome_email(mine):
	user = frappe.get_doc("User", mine.user)
	assert user.user_type == "Website User" and user.enabled
	assert PORTAL_ROLE in frappe.get_roles(mine.user)
	assert frappe.db.get_value("Contact", mine.contact, "user") == mine.user
	assert frappe.db.exists("Email Queue Recipient", {"recipient": mine.user})
	assert frappe.db.exists(
		"Comment", {"reference_name": mine.name, "content": ("like", f"%Portal access given to {mine.user}%")}
	)
	assert access.customers_of(mine.user) == [mine.name]


def test_only_a_customer_manager_invites(mine, make_customer, personas):
	other = make_customer()
	with as_user(personas["user"]), pytest.raises(frappe.PermissionError):
		api.invite(other.primary_contact)
	assert not frappe.db.get_value("Contact", other.primary_contact, "user")
	with as_user(personas["manager"]):
		rows = api.invite(other.primary_contact)
	assert [r.has_access for r in rows] == [True]


def test_a_contact_without_email_or_with_a_staff_login_is_refused(make_customer, personas):
	customer = make_customer(email=None)
	assert customer.primary_contact  # made from the phone
	with pytest.raises(frappe.MandatoryError, match="Email Address"):
		users.invite(customer.primary_contact)
	staff = make_customer(email=personas["user"])
	with pytest.raises(frappe.ValidationError, match="staff login"):
		users.invite(staff.primary_contact)
	assert "Customer Portal User" not in frappe.get_roles(personas["user"])


def test_revoke_disables_a_login_with_no_customer_left(mine):
	users.revoke(mine.contact)
	assert not frappe.db.get_value("Contact", mine.contact, "portal_access")
	assert not frappe.db.get_value("User", mine.user, "enabled")
	assert PORTAL_ROLE not in frappe.get_roles(mine.user)
	assert access.customers_of(mine.user) == []
	with as_user(mine.user), pytest.raises(frappe.PermissionError):
		access.customer_for()


def test_a_person_of_two_customers_keeps_the_other_when_one_is_revoked(mine, make_customer):
	second = make_customer()
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Same",
			"email_ids": [{"email_id": mine.user, "is_primary": 1}],
			"links": [{"link_doctype": "Customer", "link_name": second.name}],
		}
	).insert()
	users.invite(contact.name)
	assert access.customers_of(mine.user) == sorted([mine.name, second.name])
	users.revoke(contact.name)
	assert access.customers_of(mine.user) == [mine.name]
	assert frappe.db.get_value("User", mine.user, "enabled")


def test_an_anonymized_customer_has_no_portal(mine):
	frappe.db.set_value("Customer", mine.name, "lifecycle_status", "Anonymized")
	assert access.customers_of(mine.user) == []


# --- what the pages show -----------------------------------------------------------------------


def test_pages_show_only_the_users_own_customer_and_what_is_meant_for_them(mine, theirs):
	with as_user(mine.user):
		assert [r.name for r in reads.invoices(mine.name)] == [mine.invoice]  # no draft
		assert [r.name for r in reads.payments(mine.name)] == [mine.payment]
		assert [r.name for r in reads.notes(mine.name)] == [mine.visible_note]  # no internal note
		[engagement] = reads.engagements(mine.name)
		assert (engagement.name, engagement.invoiced, engagement.outstanding) == (mine.engagement, 300, 200)
		assert engagement.description == "Yearly audit"
		data = reads.onboarding(mine.name)
		assert mine.provided_item in [i["name"] for i in data["to_provide"]]
		assert mine.staff_item in [i["name"] for i in data["others"]]
		context = frappe._dict()
		frappe.form_dict.customer = None
		assert build(context, "Overview") == mine.name
		assert context.balance == 200 and context.customer_name == mine.customer_name
		invoice = reads.invoice(mine.invoice)
		assert invoice["doc"].name == mine.invoice and invoice["payments"][0].allocated_amount == 100
		for call in (
			lambda: reads.invoice(theirs.invoice),
			lambda: reads.invoice(mine.draft),
			lambda: reads.invoice("CINV-DOES-NOT-EXIST"),
			lambda: access.customer_for(theirs.name),
		):
			with pytest.raises(frappe.PermissionError):
				call()


def test_a_guest_is_sent_to_the_login(site):
	frappe.set_user("Guest")
	with pytest.raises(frappe.Redirect):
		build(frappe._dict(), "Overview")
	assert frappe.local.flags.redirect_location.startswith("/login?redirect-to=")


# --- what a portal user changes ----------------------------------------------------------------


def test_profile_update_normalises_the_phone_and_carries_it_to_the_customer(mine):
	with as_user(mine.user):
		result = api.update_profile(first_name="Ann", mobile_no="+44 7911 123456", marketing_consent=1)
	assert result["contact"]["mobile_no"] == "+447911123456"
	contact = frappe.get_doc("Contact", mine.contact)
	assert (contact.first_name, contact.marketing_consent, contact.consent_source) == ("Ann", 1, "Portal")
	assert contact.consent_date
	assert frappe.db.get_value("Customer", mine.name, "phone") == "+447911123456"


def test_a_bad_phone_is_refused_naming_the_field_and_nothing_is_saved(mine):
	before = frappe.get_doc("Contact", mine.contact)
	with as_user(mine.user), pytest.raises(frappe.ValidationError, match="Mobile"):
		api.update_profile(first_name="Changed", mobile_no="12345")
	after = frappe.get_doc("Contact", mine.contact)
	assert (after.first_name, after.mobile_no) == (before.first_name, before.mobile_no)


def test_addresses_are_changed_and_added_with_the_desks_validation(mine, theirs):
	with as_user(mine.user):
		api.save_address(
			address=mine.address, address_line1="1 New Road", city="York", country="United Kingdom"
		)
		with pytest.raises(frappe.MandatoryError, match="City"):
			api.save_address(address_line1="2 Other Road", country="United Kingdom")
		result = api.save_address(address_line1="3 Third Road", city="Hull", country="United Kingdom")
		with pytest.raises(frappe.PermissionError):
			api.save_address(
				address=theirs.address, address_line1="stolen", city="X", country="United Kingdom"
			)
	assert frappe.db.get_value("Address", mine.address, ["address_line1", "city"]) == ("1 New Road", "York")
	# and the site address of its service plan
	site = frappe.db.get_value("Address", mine.site_address, "address_line1")
	assert {a["address_line1"] for a in result["addresses"]} == {"1 New Road", "3 Third Road", site}
	assert frappe.db.get_value("Address", theirs.address, "address_line1") != "stolen"


def test_answers_and_uploads_mark_items_provided(mine, theirs):
	with as_user(mine.user):
		api.answer_item(mine.provided_item, answer="  My passport number is 123  ")
		with pytest.raises(frappe.PermissionError):
			api.answer_item(mine.staff_item, answer="I did it myself")
		with pytest.raises(frappe.PermissionError):
			api.answer_item(theirs.provided_item, answer="hello")
		writes.upload_document(mine.name, mine.provided_item, "proof.pdf", pdf_bytes("proof"))
		with pytest.raises(frappe.ValidationError, match="File"):
			writes.upload_document(mine.name, mine.provided_item, "virus.exe", b"MZ")
		# a damaged PDF is refused with a message that names the file, and nothing is stored
		with pytest.raises(frappe.ValidationError, match=r"broken\.pdf.*cannot be read as a PDF"):
			writes.upload_document(mine.name, mine.provided_item, "broken.pdf", BROKEN_PDF)
		assert not frappe.db.exists("File", {"file_name": "broken.pdf"})
	item = frappe.db.get_value(
		"Onboarding Checklist Item",
		mine.provided_item,
		["answer", "done", "done_by", "attachment"],
		as_dict=True,
	)
	assert (item.answer, item.done, item.done_by) == ("My passport number is 123", 1, mine.user)
	file = frappe.get_doc("File", {"file_url": item.attachment})
	assert (file.is_private, file.owner, file.attached_to_name) == (1, mine.user, mine.checklist)
	assert not frappe.db.get_value("Onboarding Checklist Item", mine.staff_item, "done")
	assert not frappe.db.get_value("Onboarding Checklist Item", theirs.provided_item, "answer")


def test_data_requests_make_frappes_requests_and_an_internal_note(mine):
	with as_user(mine.user):
		api.request_data("deletion")
		with pytest.raises(frappe.ValidationError, match="Kind"):
			api.request_data("everything")
	assert frappe.db.exists("Personal Data Deletion Request", {"email": mine.user})
	assert frappe.db.exists(
		"Customer Note", {"customer": mine.name, "visibility": "Internal", "content": ("like", "%deleted%")}
	)


# --- isolation, whatever rights an admin gives the portal role ---------------------------------


@pytest.fixture
def portal_role_reads_everything():
	"""An admin gives the portal role read (and print) on every DocType the portal shows."""
	doctypes = [*access.CUSTOMER_FIELD, *access.LINKED]
	for doctype in doctypes:
		add_permission(doctype, PORTAL_ROLE, 0)
		frappe.db.set_value(
			"Custom DocPerm", {"parent": doctype, "role": PORTAL_ROLE}, {"read": 1, "print": 1}
		)
	frappe.clear_cache()
	yield doctypes
	frappe.db.rollback()
	frappe.clear_cache()


def test_granted_read_rights_still_never_reach_another_customer(mine, theirs, portal_role_reads_everything):
	from customer_lifecycle.customers.documents.generation import generate

	unshared = generate(mine.name, "Welcome Letter").name
	records = {
		"Customer": (mine.name, theirs.name),
		"Customer Invoice": (mine.invoice, theirs.invoice),
		"Customer Payment": (mine.payment, theirs.payment),
		"Engagement": (mine.engagement, theirs.engagement),
		"Customer Note": (mine.visible_note, theirs.visible_note),
		"Onboarding Checklist": (mine.checklist, theirs.checklist),
		"Generated Document": (mine.document, theirs.document),
		"Information Request": (mine.request, theirs.request),
		"Contact": (mine.contact, theirs.contact),
		"Address": (mine.address, theirs.address),
	}
	with as_user(mine.user):
		for doctype, (own, other) in records.items():
			assert frappe.has_permission(doctype, "read", own), doctype
			assert not frappe.has_permission(doctype, "read", other), doctype
			listed = frappe.get_list(doctype, pluck="name", limit_page_length=0)
			assert own in listed and other not in listed, doctype
			assert frappe.get_list(doctype, filters={"name": other}, pluck="name") == [], doctype
		# an internal note, a draft invoice, a draft request and a document not shared of their own stay hidden too
		assert not frappe.has_permission("Customer Note", "read", mine.internal_note)
		assert not frappe.has_permission("Generated Document", "read", unshared)
		assert unshared not in frappe.get_list("Generated Document", pluck="name")
		assert mine.internal_note not in frappe.get_list("Customer Note", pluck="name")
		assert mine.draft not in frappe.get_list("Customer Invoice", pluck="name")
		assert not frappe.has_permission("Information Request", "read", mine.draft_request)
		assert mine.draft_request not in frappe.get_list("Information Request", pluck="name")


def test_staff_are_not_affected(mine, personas):
	with as_user(personas["user"]):
		assert access.has_permission(frappe.get_doc("Customer", mine.name), "read") is None
		assert access.query_conditions(personas["user"], "Customer Invoice") == ""
		assert mine.internal_note in frappe.get_list("Customer Note", pluck="name")


def test_every_doctype_the_portal_shows_has_the_three_hooks(site):
	doctypes = {*access.CUSTOMER_FIELD, *access.LINKED, *access.PARTICIPANTS}
	for hook in ("has_permission", "permission_query_conditions", "has_website_permission"):
		covered = {
			doctype
			for doctype, methods in frappe.get_hooks(hook).items()
			if any("portal.access" in m for m in methods)
		}
		assert covered == doctypes, hook


def test_a_revoked_login_is_invited_again_without_an_email_account(mine):
	frappe.db.delete("Email Account")  # rolled back with the test
	frappe.local.outgoing_email_account = {}
	users.revoke(mine.contact)
	users.invite(mine.contact)
	assert frappe.db.get_value("User", mine.user, "enabled")
	assert access.customers_of(mine.user) == [mine.name]
