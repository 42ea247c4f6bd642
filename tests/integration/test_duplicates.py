"""The duplicate check on create (controller, REST, the desk's API) and the duplicates report."""

import uuid

import frappe
import pytest

from customer_lifecycle.api.duplicates import check
from customer_lifecycle.customers.duplicates import (
	DuplicateCustomerError,
	customer_link,
	find_duplicates,
	name_key,
)
from customer_lifecycle.customers.report.possible_duplicate_customers.possible_duplicate_customers import (
	execute,
)
from customer_lifecycle.demo.customers import FakeCustomers
from tests.helpers import as_user

CHECK = "/api/method/customer_lifecycle.api.duplicates.check"


def tag() -> str:
	return uuid.uuid4().hex[:8]


def email() -> str:
	return f"dup.{tag()}@example.com"


def phone() -> str:
	"""A valid UK mobile number in E.164, different on each call."""
	return FakeCustomers(seed=uuid.uuid4().int, region="GB").phone()


def unique_name(first="Quentin") -> str:
	# a surname no one else on the site has, so that name matches are only the ones made here
	return f"{first} Zarkovic{tag()}"


def override_comments(name):
	return frappe.get_all(
		"Comment",
		filters={
			"reference_doctype": "Customer",
			"reference_name": name,
			"content": ("like", "Saved despite%"),
		},
		pluck="content",
	)


def test_every_save_keeps_the_name_key(make_customer):
	customer = make_customer(customer_name="Jon Smyth")
	assert frappe.db.get_value("Customer", customer.name, "name_key") == name_key("John Smith") == "jn sm0"
	customer.customer_name = "Catherine Jones"
	customer.save()
	assert frappe.db.get_value("Customer", customer.name, "name_key") == "jns k0rn"


def test_same_email_in_any_case_is_refused_naming_field_and_customer(make_customer):
	existing = make_customer(email=email())
	count = frappe.db.count("Customer")
	with pytest.raises(DuplicateCustomerError) as error:
		make_customer(customer_name="Someone Else", email=f"  {existing.email.upper()} ")
	message = str(error.value)
	assert "Email" in message and existing.email in message
	assert f"/app/customer/{existing.name}" in message and existing.customer_name in message
	assert isinstance(error.value, frappe.ValidationError) and isinstance(
		error.value, frappe.DuplicateEntryError
	)
	assert frappe.db.count("Customer") == count


def test_same_id_number_is_refused(make_customer):
	existing = make_customer(id_number=f"ID-{tag()}")
	with pytest.raises(DuplicateCustomerError) as error:
		make_customer(id_number=f" {existing.id_number}  ")
	assert "ID Number" in str(error.value) and existing.name in str(error.value)


def test_phone_and_similar_name_only_warn(make_customer):
	name = unique_name()
	number = phone()
	existing = make_customer(customer_name=name, phone=number)
	# same phone (written another way) and a name that sounds the same: saved, but reported
	second = make_customer(customer_name=name.replace("Quentin", "Kwentin"), phone=f"0{number[3:]}")
	assert frappe.db.exists("Customer", second.name)
	found = {c["name"]: c for c in find_duplicates(second.as_dict(), exclude=second.name)}
	assert found[existing.name]["blocks"] is False
	assert found[existing.name]["score"] == 100
	assert found[existing.name]["reasons"][0] == f"same Phone {number}"
	assert found[existing.name]["reasons"][1].startswith("similar name")


def test_a_customer_manager_may_override_and_it_is_recorded(make_customer, personas):
	existing = make_customer(email=email())
	with as_user(personas["manager"]):
		new = make_customer(customer_name="Override Person", email=existing.email, allow_duplicate=1)
	assert frappe.db.get_value("Customer", new.name, "allow_duplicate") == 1
	[comment] = override_comments(new.name)
	assert personas["manager"] in comment and existing.name in comment and "same Email" in comment


def test_a_customer_user_may_not_override(make_customer, personas):
	existing = make_customer(email=email())
	with as_user(personas["user"]), pytest.raises(frappe.PermissionError) as error:
		make_customer(email=existing.email, allow_duplicate=1)
	assert "Saved Despite a Likely Duplicate" in str(error.value)
	with as_user(personas["user"]), pytest.raises(frappe.PermissionError):
		make_customer(allow_duplicate=1)  # no duplicate at all: still not theirs to set


def test_override_flag_is_cleared_when_nothing_blocks(make_customer, personas):
	with as_user(personas["manager"]):
		customer = make_customer(allow_duplicate=1)
	assert frappe.db.get_value("Customer", customer.name, "allow_duplicate") == 0
	assert override_comments(customer.name) == []


def test_archived_customers_are_candidates_and_say_so(make_customer):
	existing = make_customer(email=email())
	frappe.db.set_value("Customer", existing.name, "archived", 1)
	[candidate] = check(customer_name="Anyone", email=existing.email.upper())
	assert candidate["name"] == existing.name and candidate["blocks"] is True
	assert candidate["reasons"] == [f"same Email {existing.email}", "archived"]


def test_check_api_normalises_what_is_typed_and_leaves_out_the_customer_edited(make_customer):
	existing = make_customer(phone=phone(), customer_name=unique_name())
	local = f"0{existing.phone[3:7]} {existing.phone[7:]}"
	[candidate] = check(phone=local)
	assert set(candidate) == {
		"name",
		"customer_name",
		"lifecycle_status",
		"archived",
		"score",
		"reasons",
		"blocks",
	}
	assert candidate["name"] == existing.name and candidate["lifecycle_status"] == "Prospect"
	assert check(phone=local, customer=existing.name) == []
	assert check(email="half-typed@", phone="12") == []  # invalid values are not looked up


def test_check_api_needs_read_permission(personas):
	with as_user(personas["outsider"]), pytest.raises(frappe.PermissionError):
		check(customer_name="Anyone")


def test_rest_insert_of_an_exact_duplicate_is_409(http, base_url, make_customer):
	existing = make_customer(email=email())
	frappe.db.commit()
	try:
		r = http("user").post(
			f"{base_url}/api/resource/Customer",
			json={"customer_name": "Rest Person", "email": existing.email},
		)
		assert r.status_code == 409, r.text
		assert "DuplicateCustomerError" in r.text and existing.name in r.text
		r = http("user").get(f"{base_url}{CHECK}", params={"email": existing.email})
		assert r.status_code == 200
		assert [c["name"] for c in r.json()["message"]] == [existing.name]
		assert http("user").post(f"{base_url}{CHECK}", data={"email": existing.email}).status_code == 403
		assert http("outsider").get(f"{base_url}{CHECK}", params={"email": existing.email}).status_code == 403
	finally:
		frappe.delete_doc("Customer", existing.name, force=True)
		frappe.db.commit()


def report_rows(**filters):
	_columns, data, _message = execute(frappe._dict(filters))
	return data


def test_report_lists_scored_pairs_over_the_whole_table(make_customer, personas):
	surname = unique_name("Dmitri")
	a = make_customer(customer_name=surname, email=f"d.{tag()}@zarkovic-{tag()}.com", phone=phone())
	domain = a.email.split("@")[1]
	b = make_customer(customer_name=surname.replace("Dmitri", "Dimitri"), email=f"dz.{tag()}@{domain}")
	c = make_customer(customer_name="Other Person", phone=a.phone)
	with as_user(personas["manager"]):
		d = make_customer(customer_name="Copy", email=a.email, allow_duplicate=1)

	rows = {(r["customer"], r["duplicate"]): r for r in report_rows(customer=a.name, min_score=0)}
	assert set(rows) == {(a.name, b.name), (a.name, c.name), (a.name, d.name)}
	assert rows[(a.name, d.name)]["score"] == 100 and rows[(a.name, d.name)]["blocks"] == 1
	assert (
		rows[(a.name, c.name)]["score"] == 70 and rows[(a.name, c.name)]["reasons"] == f"same Phone {a.phone}"
	)
	ab = rows[(a.name, b.name)]
	assert (
		ab["score"] >= 60
		and "similar name" in ab["reasons"]
		and f"same email domain {domain}" in ab["reasons"]
	)

	# the default minimum (60) keeps reinforced matches; a similar name alone is below it
	e = make_customer(customer_name=surname.replace("Dmitri", "Dmitry"), email=email())
	assert (a.name, e.name) in {
		(r["customer"], r["duplicate"]) for r in report_rows(customer=a.name, min_score=40)
	}
	assert (a.name, e.name) not in {(r["customer"], r["duplicate"]) for r in report_rows(customer=a.name)}

	frappe.db.set_value("Customer", c.name, "archived", 1)
	assert (a.name, c.name) not in {
		(r["customer"], r["duplicate"]) for r in report_rows(customer=a.name, include_archived=0)
	}
	archived = next(r for r in report_rows(customer=a.name) if r["duplicate"] == c.name)
	assert f"{c.name} archived" in archived["reasons"]


def test_report_is_for_managers_only(personas):
	report = frappe.get_doc("Report", "Possible Duplicate Customers")
	assert report.ref_doctype == "Customer" and report.report_type == "Script Report"
	with as_user(personas["manager"]):
		assert report.is_permitted()
	with as_user(personas["user"]):
		assert not report.is_permitted()


def test_a_user_restricted_to_other_customers_is_told_of_a_match_without_its_name(make_customer, personas):
	theirs = make_customer(customer_name=unique_name("Hidden"), email=email())
	mine = make_customer(customer_name=unique_name("Own"))
	permission = frappe.get_doc(
		{"doctype": "User Permission", "user": personas["user"], "allow": "Customer", "for_value": mine.name}
	).insert(ignore_permissions=True)
	try:
		with as_user(personas["user"]):
			assert check(email=theirs.email) == []
			# what the refusal on save says of a match the user may not open
			said = customer_link({"name": theirs.name, "customer_name": theirs.customer_name})
			assert theirs.customer_name not in said and theirs.name not in said and "no access" in said
			assert mine.customer_name in customer_link(
				{"name": mine.name, "customer_name": mine.customer_name}
			)
	finally:
		permission.delete()  # clears the cached user permissions, which a rollback would leave behind
