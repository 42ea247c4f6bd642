"""Important dates (birthdays, anniversaries) and messages to chosen customers (Frappe's Newsletter
and Email Group), on the test site."""

import json
import uuid

import frappe
import pytest
from frappe.email.doctype.newsletter.newsletter import confirmed_unsubscribe

from customer_lifecycle.customers import dates, messages
from customer_lifecycle.privacy import consent
from tests.factories import unique
from tests.helpers import as_user


def contact_of(customer) -> frappe._dict:
	return frappe.get_doc("Contact", frappe.db.get_value("Customer", customer.name, "primary_contact"))


def add_contact(customer: str, email: str | None, consent_given=1, **fields):
	doc = {
		"doctype": "Contact",
		"first_name": "Extra",
		"last_name": uuid.uuid4().hex[:6],
		"marketing_consent": consent_given,
		"links": [{"link_doctype": "Customer", "link_name": customer}],
		**fields,
	}
	if email:
		doc["email_ids"] = [{"email_id": email, "is_primary": 1}]
	return frappe.get_doc(doc).insert()


def mine(rows, *customers) -> list[tuple]:
	names = {c.name for c in customers}
	return [
		(str(r["date"]), r["kind"], r["years"], r["customer"], r["contact"])
		for r in rows
		if r["customer"] in names
	]


# --- dates ---------------------------------------------------------------------------------------


def test_upcoming_dates_cross_the_year_end(make_customer):
	born_dec = make_customer(customer_type="Individual", birth_date="1990-12-30")
	born_jan = make_customer(customer_type="Individual", birth_date="1985-01-05")
	too_late = make_customer(customer_type="Individual", birth_date="1985-01-08")
	company = make_customer(customer_type="Company")
	frappe.db.set_value("Customer", company.name, "first_invoice_date", "2024-01-02")
	partner = add_contact(company.name, None, birth_date="1970-12-25")
	archived = make_customer(customer_type="Individual", birth_date="1990-12-28")
	frappe.db.set_value("Customer", archived.name, "archived", 1)

	rows = dates.upcoming(today="2026-12-25")
	assert mine(rows, born_dec, born_jan, too_late, company, archived) == [
		("2026-12-25", "Birthday", 56, company.name, partner.name),  # today
		("2026-12-30", "Birthday", 36, born_dec.name, None),
		("2027-01-02", "Anniversary", 3, company.name, None),
		("2027-01-05", "Birthday", 42, born_jan.name, None),
	]
	assert [r["days_away"] for r in rows if r["customer"] == born_jan.name] == [11]


def test_upcoming_dates_across_the_end_of_february_and_29_february(make_customer):
	leapling = make_customer(customer_type="Individual", birth_date="2000-02-29")
	march = make_customer(customer_type="Individual", birth_date="1999-03-03")
	assert mine(dates.upcoming(today="2027-02-20"), leapling, march) == [
		("2027-02-28", "Birthday", 27, leapling.name, None),  # a common year: on the 28th
		("2027-03-03", "Birthday", 28, march.name, None),
	]
	assert mine(dates.upcoming(today="2028-02-20"), leapling, march) == [
		("2028-02-29", "Birthday", 28, leapling.name, None),
		("2028-03-03", "Birthday", 29, march.name, None),
	]


def test_an_individuals_own_contact_born_the_same_day_is_listed_once(make_customer):
	person = make_customer(customer_type="Individual", birth_date="1980-06-10")
	contact = contact_of(person)
	contact.birth_date = "1980-06-10"
	contact.save()
	assert mine(dates.upcoming(today="2027-06-01"), person) == [
		("2027-06-10", "Birthday", 47, person.name, None)
	]


def test_a_birth_date_in_the_future_is_refused_naming_the_field(make_customer):
	with pytest.raises(frappe.ValidationError, match="Birth Date"):
		make_customer(customer_type="Individual", birth_date="2999-01-01")
	customer = make_customer()
	contact = contact_of(customer)
	contact.birth_date = "2999-01-01"
	with pytest.raises(frappe.ValidationError, match="Birth Date"):
		contact.save()


def test_a_user_sees_the_dates_of_the_customers_they_may_read(make_customer, personas):
	person = make_customer(customer_type="Individual", birth_date="1980-06-10")
	with as_user(personas["outsider"]):
		with pytest.raises(frappe.PermissionError):
			dates.upcoming(today="2027-06-01")
	with as_user(personas["user"]):
		assert len(mine(dates.upcoming(today="2027-06-01"), person)) == 1


# --- messages ------------------------------------------------------------------------------------


@pytest.fixture
def audience(make_customer):
	"""Three customers of a new category, their contacts in every case:
	- A: primary contact with consent (in), a second contact without consent, one without an email;
	- B: primary contact with consent but unsubscribed, a contact with consent whose address is
	globally unsubscribed, and A's consenting contact linked to B too (counted once);
	- C: a primary contact with consent and the same address as a contact of A's (one member)."""
	category = frappe.get_doc({"doctype": "Customer Category", "category_name": unique("Msg")}).insert().name
	a, b, c = (make_customer(customer_category=category) for _ in range(3))
	for customer in (a, b, c):
		contact = contact_of(customer)
		contact.marketing_consent = 1
		contact.save()
	no_consent = add_contact(a.name, f"{uuid.uuid4().hex[:8]}@example.org", consent_given=0)
	no_email = add_contact(a.name, None)
	unsubscribed = contact_of(b)
	unsubscribed.unsubscribed = 1
	unsubscribed.save()
	global_email = f"{uuid.uuid4().hex[:8]}@example.org"
	add_contact(b.name, global_email)
	frappe.get_doc({"doctype": "Email Unsubscribe", "email": global_email, "global_unsubscribe": 1}).insert(
		ignore_permissions=True
	)
	shared = contact_of(a)
	shared.append("links", {"link_doctype": "Customer", "link_name": b.name})
	shared.save()
	same_address = add_contact(a.name, c.email)
	return frappe._dict(
		category=category,
		a=a,
		b=b,
		c=c,
		no_consent=no_consent,
		no_email=no_email,
		same_address=same_address,
		included=sorted({a.email, c.email}),
	)


def test_the_preview_counts_who_is_in_and_who_is_left_out_and_why(audience):
	found = messages.audience({"category": audience.category})
	assert found["customers"] == 3
	# A's four, B's own two (A's primary contact, linked to B too, counted once), C's one
	assert found["contacts"] == 7
	assert found["emails"] == audience.included
	assert found["included"] == 2
	assert found["left_out"] == {"no_email": 1, "unsubscribed": 2, "no_consent": 1}
	assert "emails" not in messages.summary(found)


def test_the_newsletter_goes_to_an_email_group_of_the_consenting_contacts_only(audience):
	made = messages.make_newsletter({"category": audience.category}, "Spring offers")
	members = frappe.get_all(
		"Email Group Member", filters={"email_group": made["email_group"]}, fields=["email", "unsubscribed"]
	)
	assert sorted(m.email for m in members) == audience.included and not any(m.unsubscribed for m in members)
	assert frappe.db.get_value("Email Group", made["email_group"], "total_subscribers") == 2
	newsletter = frappe.get_doc("Newsletter", made["newsletter"])
	assert (newsletter.subject, newsletter.email_sent) == ("Spring offers", 0)
	assert [row.email_group for row in newsletter.email_group] == [made["email_group"]]
	assert sorted(newsletter.get_recipients()) == audience.included
	assert made["left_out"] == {"no_email": 1, "unsubscribed": 2, "no_consent": 1}


def test_customers_are_chosen_by_names_tag_segment_and_saved_filter(audience):
	a, b = audience.a, audience.b
	assert messages.audience({"customers": [b.name]})["customers"] == 1
	frappe.get_doc("Customer", a.name).add_tag("Spring Mailing")
	assert messages.chosen_customers({"tag": "Spring Mailing"}) == [a.name]
	frappe.db.set_value("Customer", b.name, "revenue_segment", "High")
	assert messages.chosen_customers({"category": audience.category, "revenue_segment": "High"}) == [b.name]
	saved = frappe.get_doc(
		{
			"doctype": "List Filter",
			"filter_name": unique("Msg saved"),
			"reference_doctype": "Customer",
			"filters": json.dumps([["Customer", "customer_category", "=", audience.category, False]]),
		}
	).insert()
	assert len(messages.chosen_customers({"saved_filter": saved.filter_name})) == 3
	assert len(messages.chosen_customers({"saved_filter": saved.name})) == 3


@pytest.mark.parametrize(
	("selection", "field"),
	[
		({"category": "No Such Category"}, "Category"),
		({"revenue_segment": "Huge"}, "Revenue Segment"),
		({"saved_filter": "No such filter"}, "Saved Filter"),
		({"colour": "red"}, "Colour"),
		({}, "Selection"),
	],
)
def test_a_bad_choice_is_refused_naming_it(selection, field):
	with pytest.raises(frappe.ValidationError, match=field):
		messages.audience(selection)


def test_no_newsletter_without_recipients_or_subject(audience, make_customer):
	before = (frappe.db.count("Newsletter"), frappe.db.count("Email Group"))
	with pytest.raises(frappe.ValidationError, match="Subject"):
		messages.make_newsletter({"category": audience.category}, " ")
	quiet = make_customer()  # its primary contact gave no consent
	with pytest.raises(frappe.ValidationError, match="1 without marketing consent"):
		messages.make_newsletter({"customers": [quiet.name]}, "Nobody")
	assert (frappe.db.count("Newsletter"), frappe.db.count("Email Group")) == before


def test_unsubscribing_from_the_newsletter_withdraws_consent(audience):
	made = messages.make_newsletter({"category": audience.category}, "Autumn news")
	contact = contact_of(audience.c)
	assert contact.marketing_consent and consent.may_email(contact.name)
	confirmed_unsubscribe(audience.c.email, made["email_group"])  # what Frappe's /unsubscribe page does
	contact.reload()
	same = frappe.get_doc("Contact", audience.same_address.name)
	for withdrawn in (contact, same):
		assert (withdrawn.unsubscribed, withdrawn.marketing_consent, withdrawn.consent_date) == (1, 0, None)
	assert not consent.may_email(audience.c.name)
	# the next message leaves them out, as unsubscribed
	assert messages.audience({"category": audience.category})["emails"] == [audience.a.email]


def test_a_portal_user_who_consents_again_is_subscribed_again(outgoing_email):
	from customer_lifecycle.api import portal as api
	from tests.factories import make_portal_customer

	mine = make_portal_customer("consent")
	frappe.db.set_value("Contact", mine.contact, {"unsubscribed": 1, "marketing_consent": 0})
	with as_user(mine.user):
		api.update_profile(marketing_consent=1)
	contact = frappe.get_doc("Contact", mine.contact)
	assert (contact.unsubscribed, contact.marketing_consent, contact.consent_source) == (0, 1, "Portal")
	assert consent.may_email(contact.name)
