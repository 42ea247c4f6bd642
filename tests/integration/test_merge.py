"""Merging two customers: every link moves to the survivor, which keeps its lifecycle."""

import uuid

import frappe
import pytest

from customer_lifecycle.api.lifecycle import apply_action
from customer_lifecycle.api.merge import merge
from customer_lifecycle.lifecycle.engine import get_settings
from tests.helpers import as_user

MERGE = "/api/method/customer_lifecycle.api.merge.merge"


def after_assign(customer):
	return frappe.db.get_value("Customer", customer, "_assign")


def links_of(doctype, customer):
	return frappe.get_all(
		"Dynamic Link",
		filters={"parenttype": doctype, "link_doctype": "Customer", "link_name": customer},
		pluck="parent",
	)


@pytest.fixture
def pair(make_customer):
	"""A survivor with a contact and no billing address, and a duplicate with everything linked."""
	survivor = make_customer(customer_name="Merle Haggard")
	duplicate = make_customer(
		customer_name="Merl Hagard",
		address_line1="1 Bakersfield Road",
		city="London",
		country="United Kingdom",
	)
	apply_action(duplicate.name, "Start Onboarding", reason="before the merge")
	return frappe.get_doc("Customer", survivor.name), frappe.get_doc("Customer", duplicate.name)


def test_merge_moves_every_link_to_the_survivor(pair, personas):
	survivor, duplicate = pair
	assert survivor.primary_contact and not survivor.billing_address
	own_contact, dup_contact, dup_address = (
		survivor.primary_contact,
		duplicate.primary_contact,
		duplicate.billing_address,
	)
	# a contact linked to both customers
	shared = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": f"Shared {uuid.uuid4().hex[:6]}",
			"links": [
				{"link_doctype": "Customer", "link_name": survivor.name},
				{"link_doctype": "Customer", "link_name": duplicate.name},
			],
		}
	).insert()
	comment = duplicate.add_comment("Comment", "called about the invoice").name
	todo = (
		frappe.get_doc(
			{
				"doctype": "ToDo",
				"description": "call back",
				"allocated_to": personas["user"],
				"reference_type": "Customer",
				"reference_name": duplicate.name,
			}
		)
		.insert()
		.name
	)
	file = (
		frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"contract-{uuid.uuid4().hex[:6]}.txt",
				"content": b"signed",
				"attached_to_doctype": "Customer",
				"attached_to_name": duplicate.name,
			}
		)
		.insert()
		.name
	)
	duplicate.notes = "edited, so it has a Version"
	duplicate.save()
	versions = frappe.get_all(
		"Version", filters={"ref_doctype": "Customer", "docname": duplicate.name}, pluck="name"
	)
	changes = frappe.get_all("Customer Lifecycle Change", filters={"customer": duplicate.name}, pluck="name")
	assert versions and changes

	with as_user(personas["manager"]):
		result = merge(customer=duplicate.name, into=survivor.name)

	assert result == {"name": survivor.name, "merged": duplicate.name}
	assert not frappe.db.exists("Customer", duplicate.name)
	assert sorted(links_of("Contact", survivor.name)) == sorted([own_contact, dup_contact, shared.name])
	assert links_of("Address", survivor.name) == [dup_address]
	assert links_of("Contact", duplicate.name) == links_of("Address", duplicate.name) == []
	assert len(frappe.get_doc("Contact", shared.name).links) == 1  # linked twice before: once now
	assert frappe.db.get_value("Comment", comment, "reference_name") == survivor.name
	assert frappe.db.get_value("ToDo", todo, "reference_name") == survivor.name
	assert personas["user"] in frappe.parse_json(after_assign(survivor.name))
	assert frappe.db.get_value("File", file, "attached_to_name") == survivor.name
	assert {frappe.db.get_value("Version", v, "docname") for v in versions} == {survivor.name}
	assert {frappe.db.get_value("Customer Lifecycle Change", c, "customer") for c in changes} == {
		survivor.name
	}

	after = frappe.get_doc("Customer", survivor.name)
	assert after.lifecycle_status == "Prospect"  # the survivor's own, not the duplicate's Onboarding
	assert after.primary_contact == own_contact
	assert after.billing_address == dup_address  # it had none: it takes the duplicate's
	assert after.address_line1 == "1 Bakersfield Road"
	assert frappe.get_all(
		"Contact", filters={"name": ("in", [own_contact, dup_contact]), "is_primary_contact": 1}, pluck="name"
	) == [own_contact]
	record = frappe.get_all(
		"Comment",
		filters={"reference_doctype": "Customer", "reference_name": survivor.name, "comment_type": "Info"},
		pluck="content",
	)
	assert any(
		personas["manager"] in c and duplicate.name in c and "Merl Hagard" in c and "Onboarding" in c
		for c in record
	)


def test_only_managers_may_merge(pair, personas):
	survivor, duplicate = pair
	for persona in ("user", "outsider"):
		with as_user(personas[persona]), pytest.raises(frappe.PermissionError):
			merge(customer=duplicate.name, into=survivor.name)
	assert frappe.db.exists("Customer", duplicate.name)


def test_merge_refuses_itself_unknown_and_anonymized(pair):
	survivor, duplicate = pair
	with pytest.raises(frappe.ValidationError, match="itself"):
		merge(customer=survivor.name, into=survivor.name)
	with pytest.raises(frappe.DoesNotExistError, match="into"):
		merge(customer=duplicate.name, into="CUST-0000-00000")
	frappe.db.set_value("Customer", duplicate.name, "lifecycle_status", get_settings().anonymized_state)
	with pytest.raises(frappe.ValidationError, match="cannot be merged"):
		merge(customer=duplicate.name, into=survivor.name)
	with pytest.raises(frappe.ValidationError, match="cannot be merged"):
		merge(customer=survivor.name, into=duplicate.name)
	assert frappe.db.exists("Customer", duplicate.name) and frappe.db.exists("Customer", survivor.name)


def test_merge_over_http_is_post_only_and_permission_checked(http, base_url, make_customer):
	survivor, duplicate = make_customer(), make_customer()
	frappe.db.commit()
	try:
		args = {"customer": duplicate.name, "into": survivor.name}
		assert http("manager").get(f"{base_url}{MERGE}", params=args).status_code == 403
		assert http("user").post(f"{base_url}{MERGE}", data=args).status_code == 403
		r = http("manager").post(f"{base_url}{MERGE}", data=args)
		assert r.status_code == 200, r.text
		assert r.json()["message"] == {"name": survivor.name, "merged": duplicate.name}
		frappe.db.rollback()
		assert not frappe.db.exists("Customer", duplicate.name)
	finally:
		for name in (duplicate.name, survivor.name):
			if frappe.db.exists("Customer", name):
				frappe.delete_doc("Customer", name, force=True)
			frappe.db.delete("Comment", {"reference_doctype": "Customer", "reference_name": name})
		frappe.db.commit()
