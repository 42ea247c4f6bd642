"""Customer flags: raise, resolve (with a note), delete; the customer's active_flag and flag_severity
follow them, the most severe active flag winning."""

import frappe
import pytest

from customer_lifecycle.api.notes import get_active_flags, raise_flag, resolve_flag
from customer_lifecycle.utils.doctypes import FLAG
from tests.helpers import as_user


def flag_fields(customer: str):
	"""The customer's (active_flag, flag_severity); None for empty (a new customer's Select is "")."""
	values = frappe.db.get_value("Customer", customer, ["active_flag", "flag_severity"])
	return tuple(v or None for v in values)


def newest_flag(customer: str) -> str:
	return frappe.get_all(
		FLAG, filters={"customer": customer}, order_by="creation desc", pluck="name", limit=1
	)[0]


def test_raising_a_flag_shows_it_on_the_customer(make_customer, personas):
	customer = make_customer().name
	assert flag_fields(customer) == (None, None)
	with as_user(personas["user"]):
		fields = raise_flag(customer, "  Disputed   invoice ", "High")
	assert fields == {"active_flag": "Disputed invoice", "flag_severity": "High"}
	assert flag_fields(customer) == ("Disputed invoice", "High")
	flag = frappe.get_doc(FLAG, newest_flag(customer))
	assert (flag.status, flag.raised_by) == ("Active", personas["user"])
	assert flag.raised_on


def test_the_most_severe_active_flag_wins_through_raise_resolve_and_delete(make_customer):
	customer = make_customer().name
	raise_flag(customer, "Prefers phone calls", "Low")
	low = newest_flag(customer)
	raise_flag(customer, "Legal hold", "High")
	high = newest_flag(customer)
	raise_flag(customer, "Slow payer", "Medium")
	medium = newest_flag(customer)
	assert flag_fields(customer) == ("Legal hold", "High")
	assert [f["reason"] for f in get_active_flags(customer)] == [
		"Legal hold",
		"Slow payer",
		"Prefers phone calls",
	]

	resolve_flag(high, "Hold lifted by counsel")
	assert flag_fields(customer) == ("Slow payer", "Medium")

	frappe.delete_doc(FLAG, medium)
	assert flag_fields(customer) == ("Prefers phone calls", "Low")

	resolve_flag(low, "Now on email")
	assert flag_fields(customer) == (None, None)
	assert get_active_flags(customer) == []


def test_among_equally_severe_flags_the_newest_shows(make_customer):
	customer = make_customer().name
	raise_flag(customer, "First concern", "Medium")
	raise_flag(customer, "Second concern", "Medium")
	assert flag_fields(customer) == ("Second concern", "Medium")


def test_resolving_needs_a_note_that_names_the_field(make_customer, personas):
	customer = make_customer().name
	raise_flag(customer, "Unreturned documents", "Medium")
	flag = newest_flag(customer)
	with as_user(personas["user"]):
		with pytest.raises(frappe.MandatoryError) as error:
			resolve_flag(flag, "   ")
		assert "Resolution Note" in str(error.value)
	assert frappe.db.get_value(FLAG, flag, "status") == "Active"
	assert flag_fields(customer) == ("Unreturned documents", "Medium")

	with as_user(personas["user"]):
		resolve_flag(flag, "Documents received")
	resolved = frappe.get_doc(FLAG, flag)
	assert (resolved.status, resolved.resolution_note, resolved.resolved_by) == (
		"Resolved",
		"Documents received",
		personas["user"],
	)
	assert resolved.resolved_on


def test_a_rest_style_save_as_resolved_needs_the_note_too(make_customer):
	customer = make_customer().name
	raise_flag(customer, "Address unverified", "Low")
	doc = frappe.get_doc(FLAG, newest_flag(customer))
	doc.status = "Resolved"
	with pytest.raises(frappe.MandatoryError, match="Resolution Note"):
		doc.save()


def test_resolved_flags_are_kept_as_history_and_stay_resolved(make_customer):
	customer = make_customer().name
	raise_flag(customer, "Complaint open", "High")
	flag = newest_flag(customer)
	resolve_flag(flag, "Complaint closed")
	assert frappe.db.exists(FLAG, {"customer": customer, "status": "Resolved", "reason": "Complaint open"})
	version = frappe.get_last_doc("Version", filters={"ref_doctype": FLAG, "docname": flag})
	assert ["status", "Active", "Resolved"] in frappe.parse_json(version.data)["changed"]

	doc = frappe.get_doc(FLAG, flag)
	doc.status = "Active"
	with pytest.raises(frappe.ValidationError, match="stays resolved"):
		doc.save()
	assert flag_fields(customer) == (None, None)


def test_who_raised_and_resolved_is_set_by_the_server(make_customer, personas):
	customer = make_customer().name
	with as_user(personas["user"]):
		flag = frappe.get_doc(
			{
				"doctype": FLAG,
				"customer": customer,
				"reason": "Forged",
				"raised_by": personas["manager"],
				"raised_on": "2001-01-01 00:00:00",
			}
		).insert()
	assert flag.raised_by == personas["user"]
	assert str(flag.raised_on) > "2001-01-01 00:00:00"


def test_a_stale_customer_form_does_not_undo_a_flag(make_customer):
	customer = make_customer()
	stale = frappe.get_doc("Customer", customer.name)  # opened before the flag was raised
	raise_flag(customer.name, "Do not call before noon", "Low")
	stale.id_number = "ID-4411"
	stale.save()
	assert flag_fields(customer.name) == ("Do not call before noon", "Low")

	imported = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": "Imported Ian",
			"active_flag": "Fake",
			"flag_severity": "High",
		}
	).insert()
	assert flag_fields(imported.name) == (None, None)


def test_roles_raise_resolve_and_delete(make_customer, personas):
	customer = make_customer().name
	with as_user(personas["user"]):
		raise_flag(customer, "Check ID", "Medium")
		flag = newest_flag(customer)
		with pytest.raises(frappe.PermissionError):
			frappe.delete_doc(FLAG, flag)
	with as_user(personas["outsider"]):
		with pytest.raises(frappe.PermissionError):
			raise_flag(customer, "Nope", "High")
		with pytest.raises(frappe.PermissionError):
			get_active_flags(customer)
		with pytest.raises(frappe.PermissionError):
			resolve_flag(flag, "Nope")
	with as_user(personas["manager"]):
		frappe.delete_doc(FLAG, flag)
	assert flag_fields(customer) == (None, None)


def test_a_bad_severity_is_refused_with_the_field_named(make_customer):
	customer = make_customer().name
	with pytest.raises(frappe.ValidationError, match="Severity"):
		raise_flag(customer, "Odd", "Critical")
	assert flag_fields(customer) == (None, None)
