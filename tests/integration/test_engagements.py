"""Engagements: delivered and undelivered (one or many, back to the status before delivery), the
Kanban board, their files' folder, and the billing figures of the Customer 360 header."""

import frappe
import pytest
from frappe.utils import nowdate

from customer_lifecycle.api.billing import mark_delivered, mark_undelivered
from customer_lifecycle.customers.summary import customer_summary
from tests import factories as billing
from tests.helpers import as_user


def make_engagement(customer, status="Open", **fields):
	return frappe.get_doc(
		{
			"doctype": "Engagement",
			"customer": customer,
			"title": "Year-end accounts",
			"status": status,
			**fields,
		}
	).insert()


def status_of(name):
	return frappe.db.get_value("Engagement", name, ["status", "delivered_on"], as_dict=True)


def test_deliver_many_then_undeliver_returns_each_to_its_status(active_customer):
	customer = active_customer()
	engagements = [make_engagement(customer.name, s).name for s in ("Open", "In Progress", "On Hold")]
	assert engagements[0].startswith("ENG-")
	assert sorted(mark_delivered(engagements)) == sorted(engagements)
	for name in engagements:
		assert (status_of(name).status, str(status_of(name).delivered_on)) == ("Delivered", nowdate())
	# delivering again changes nothing
	assert mark_delivered(engagements[:1]) == []
	assert sorted(mark_undelivered(frappe.as_json(engagements))) == sorted(engagements)
	assert [status_of(n).status for n in engagements] == ["Open", "In Progress", "On Hold"]
	assert all(status_of(n).delivered_on is None for n in engagements)


def test_status_set_by_hand_to_delivered_can_be_undelivered(active_customer):
	customer = active_customer()
	engagement = make_engagement(customer.name, "In Progress")
	engagement.status = "Delivered"
	engagement.save()
	assert str(engagement.delivered_on) == nowdate()
	mark_undelivered([engagement.name])
	assert status_of(engagement.name).status == "In Progress"


def test_cancelled_engagement_is_not_delivered(active_customer):
	customer = active_customer()
	engagement = make_engagement(customer.name, "Cancelled")
	with pytest.raises(frappe.ValidationError, match="cancelled"):
		mark_delivered([engagement.name])
	with pytest.raises(frappe.ValidationError, match="at least one"):
		mark_delivered("[]")


def test_delivery_needs_write_permission(active_customer, personas):
	customer = active_customer()
	engagement = make_engagement(customer.name)
	with as_user(personas["outsider"]), pytest.raises(frappe.PermissionError):
		mark_delivered([engagement.name])
	with as_user(personas["user"]):
		assert mark_delivered([engagement.name]) == [engagement.name]


def test_kanban_board_by_status_is_shipped():
	board = frappe.get_doc("Kanban Board", "Engagements")
	assert (board.reference_doctype, board.field_name, board.private) == ("Engagement", "status", 0)
	assert [c.column_name for c in board.columns] == [
		"Open",
		"In Progress",
		"On Hold",
		"Delivered",
		"Cancelled",
	]


def test_engagement_files_go_to_a_folder_under_the_customer(active_customer):
	customer = active_customer()
	engagement = make_engagement(customer.name)
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": "brief.txt",
			"content": b"scope",
			"attached_to_doctype": "Engagement",
			"attached_to_name": engagement.name,
		}
	).insert()
	assert file.folder == f"Home/Customers/{customer.name}/{engagement.name}"


def test_summary_counts_open_engagements_open_invoices_and_balance(active_customer):
	customer = active_customer()
	empty = customer_summary(customer.name)
	assert (empty["open_engagements"], empty["open_invoices"], empty["balance"]) == (0, 0, 0)
	make_engagement(customer.name, "In Progress")
	delivered = make_engagement(customer.name)
	mark_delivered([delivered.name])
	make_engagement(customer.name, "Cancelled")
	billing.make_invoice(customer.name, items=((1, 100),))
	billing.make_invoice(customer.name, items=((1, 50),))
	billing.make_invoice(customer.name, items=((1, 999),), submit=False)
	billing.make_payment(customer.name, 120)
	summary = customer_summary(customer.name)
	assert (summary["open_engagements"], summary["open_invoices"], summary["balance"]) == (1, 1, 30)
