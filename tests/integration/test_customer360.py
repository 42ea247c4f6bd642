"""The Customer 360: the summary's counts and queries, tasks, favourites, files, connections, workspace."""

import json

import frappe
import pytest
from frappe.desk.like import toggle_like
from frappe.desk.notifications import get_open_count
from frappe.utils import today

from customer_lifecycle.api import customer360 as api
from customer_lifecycle.customers.doctype.customer.customer_dashboard import get_data as dashboard_data
from customer_lifecycle.customers.summary import customer_summary
from tests.helpers import as_user


def attach(customer: str, text: str, **fields):
	return frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{text}.txt",
			"content": text.encode(),
			"is_private": 1,
			"attached_to_doctype": "Customer",
			"attached_to_name": customer,
			**fields,
		}
	).insert()


def add_notes_and_flags(customer: str, notes: int, active: int, resolved: int):
	for i in range(notes):
		frappe.get_doc(
			{"doctype": "Customer Note", "customer": customer, "content": f"<p>Note {i}</p>"}
		).insert()
	for i in range(active + resolved):
		flag = frappe.get_doc(
			{"doctype": "Customer Flag", "customer": customer, "reason": f"Flag {i}"}
		).insert()
		if i >= active:
			flag.update({"status": "Resolved", "resolution_note": "Sorted out on the phone"})
			flag.save()


# ---- the summary ----


def test_summary_counts_files_tasks_notes_and_flags(make_customer, personas):
	customer = make_customer(customer_type="Company").name
	other = make_customer().name
	attach(customer, "contract")
	attach(customer, "quote")
	attach(other, "elsewhere")
	first = api.add_task(customer, "Call about the engagement letter")
	api.add_task(customer, "Send the price list", assign_to=personas["user"])
	api.add_task(other, "Not this customer's")
	api.complete_task(first["name"])
	add_notes_and_flags(customer, notes=3, active=2, resolved=1)

	summary = customer_summary(customer)

	assert summary["name"] == customer
	assert summary["customer_type"] == "Company"
	assert summary["lifecycle_status"] == "Prospect"
	assert summary["files"] == 2
	assert summary["open_tasks"] == 1
	assert summary["notes"] == 3
	assert summary["active_flags"] == 2


def test_summary_of_a_missing_customer_is_not_found(site):
	with pytest.raises(frappe.DoesNotExistError):
		customer_summary("CUST-NONE-00000")


def count_queries(monkeypatch, fn) -> int:
	"""How many frappe.db.sql calls fn makes (the real calls run; they are only counted)."""
	calls = []
	real = frappe.db.sql

	def counting(*args, **kwargs):
		calls.append(args[0])
		return real(*args, **kwargs)

	monkeypatch.setattr(frappe.db, "sql", counting)
	try:
		fn()
	finally:
		monkeypatch.undo()
	return len(calls)


def test_summary_makes_the_same_queries_for_few_and_many_records(make_customer, monkeypatch):
	few = make_customer().name
	many = make_customer().name
	for i in range(25):
		attach(many, f"file {i}")
		api.add_task(many, f"Task {i}")
	add_notes_and_flags(many, notes=30, active=5, resolved=5)
	customer_summary(few)  # warm caches

	queries_few = count_queries(monkeypatch, lambda: customer_summary(few))
	queries_many = count_queries(monkeypatch, lambda: customer_summary(many))

	assert queries_few == queries_many == 1
	assert customer_summary(many)["files"] == 25


def test_summary_api_needs_access_to_the_customer(make_customer, personas):
	customer = make_customer().name
	with as_user(personas["user"]):
		assert api.summary(customer)["name"] == customer
	with as_user(personas["outsider"]), pytest.raises(frappe.PermissionError):
		api.summary(customer)


# ---- tasks ----


def todo(name: str) -> dict:
	return frappe.db.get_value("ToDo", name, ["status", "description", "allocated_to", "date"], as_dict=True)


def assigned(customer: str) -> list[str]:
	return json.loads(frappe.db.get_value("Customer", customer, "_assign") or "[]")


def test_tasks_add_complete_reopen_edit_delete(make_customer, personas):
	customer = make_customer().name
	user, manager = personas["user"], personas["manager"]
	with as_user(user):
		first = api.add_task(customer, "  Call about   the engagement letter ")
		second = api.add_task(customer, "Chase the <b>signed</b> letter", date="2026-12-01")

		# due today unless said otherwise, as Frappe's assign does
		assert todo(first["name"]) == {
			"status": "Open",
			"description": "Call about the engagement letter",
			"allocated_to": user,
			"date": frappe.utils.getdate(today()),
		}
		assert str(todo(second["name"])["date"]) == "2026-12-01"
		assert frappe.db.get_value(
			"ToDo", first["name"], ["reference_type", "reference_name", "assigned_by"]
		) == (
			"Customer",
			customer,
			user,
		)
		# several open tasks for one person: Frappe's own assign would refuse the second
		assert [t["name"] for t in api.tasks(customer)] == [first["name"], second["name"]]
		assert second["text"] == "Chase the <b>signed</b> letter"
		assert assigned(customer) == [user, user]

		api.complete_task(first["name"])
		assert todo(first["name"])["status"] == "Closed"
		listed = api.tasks(customer)
		assert [(t["name"], t["status"]) for t in listed] == [
			(second["name"], "Open"),
			(first["name"], "Closed"),
		]
		assert customer_summary(customer)["open_tasks"] == 1

		api.reopen_task(first["name"])
		assert todo(first["name"])["status"] == "Open"

		edited = api.edit_task(
			second["name"], description="Chase the countersigned letter", assign_to=manager, date=""
		)
		assert edited["text"] == "Chase the countersigned letter"
		assert todo(second["name"]) == {
			"status": "Open",
			"description": "Chase the countersigned letter",
			"allocated_to": manager,
			"date": None,
		}
		assert sorted(assigned(customer)) == sorted([user, manager])

		api.delete_task(first["name"])
		assert not frappe.db.exists("ToDo", first["name"])
		assert [t["name"] for t in api.tasks(customer)] == [second["name"]]


def test_another_team_member_may_complete_a_task(make_customer, personas):
	customer = make_customer().name
	task = api.add_task(customer, "Book the kick-off meeting", assign_to=personas["manager"])
	with as_user(personas["user"]):
		api.complete_task(task["name"])
	assert todo(task["name"])["status"] == "Closed"


def test_outsider_cannot_see_or_change_tasks(make_customer, personas):
	customer = make_customer().name
	task = api.add_task(customer, "Review the file")
	with as_user(personas["outsider"]):
		with pytest.raises(frappe.PermissionError):
			api.add_task(customer, "Sneaky task")
		with pytest.raises(frappe.PermissionError):
			api.tasks(customer)
		for change in (api.complete_task, api.delete_task):
			with pytest.raises(frappe.PermissionError):
				change(task["name"])
		with pytest.raises(frappe.PermissionError):
			api.edit_task(task["name"], description="Changed")
	assert todo(task["name"])["status"] == "Open"
	assert todo(task["name"])["description"] == "Review the file"
	assert frappe.db.count("ToDo", {"reference_type": "Customer", "reference_name": customer}) == 1


def test_bad_task_input_names_the_field(make_customer, personas):
	customer = make_customer().name
	with pytest.raises(frappe.MandatoryError, match="Task"):
		api.add_task(customer, "   ")
	with pytest.raises(frappe.ValidationError, match="Due Date"):
		api.add_task(customer, "Call", date="not a date")
	# a task never shares the customer with someone who may not see it
	with pytest.raises(frappe.ValidationError, match="Assigned To"):
		api.add_task(customer, "Call", assign_to=personas["outsider"])
	with pytest.raises(frappe.ValidationError, match="Assigned To"):
		api.add_task(customer, "Call", assign_to="nobody@example.com")
	assert frappe.db.count("ToDo", {"reference_type": "Customer", "reference_name": customer}) == 0


def test_only_customer_tasks_are_changed_through_the_api(site):
	other = frappe.get_doc({"doctype": "ToDo", "description": "Personal errand"}).insert()
	with pytest.raises(frappe.DoesNotExistError):
		api.complete_task(other.name)
	with pytest.raises(frappe.DoesNotExistError):
		api.delete_task("no-such-task")
	assert todo(other.name)["status"] == "Open"


# ---- favourites ----


def test_my_favourites_filter_lists_what_i_liked(make_customer, personas):
	liked, other = make_customer().name, make_customer().name
	user = personas["user"]
	with as_user(user):
		toggle_like("Customer", liked, "Yes")
		# the filter the list's "My favourites" adds
		mine = frappe.get_list("Customer", filters=[["_liked_by", "like", f"%{user}%"]], pluck="name")
		assert liked in mine and other not in mine
		assert user in customer_summary(liked)["liked_by"]
	with as_user(personas["manager"]):
		theirs = frappe.get_list(
			"Customer", filters=[["_liked_by", "like", f"%{personas['manager']}%"]], pluck="name"
		)
		assert liked not in theirs
	with as_user(user):
		toggle_like("Customer", liked, "No")
		assert liked not in frappe.get_list(
			"Customer", filters=[["_liked_by", "like", f"%{user}%"]], pluck="name"
		)


# ---- files ----


def test_files_go_to_the_customers_folder(make_customer):
	customer = make_customer().name
	file = attach(customer, "engagement letter")
	folder = f"Home/Customers/{customer}"
	assert file.folder == folder
	assert frappe.db.get_value("File", folder, ["is_folder", "folder"]) == (1, "Home/Customers")
	assert frappe.db.get_value("File", "Home/Customers", ["is_folder", "folder"]) == (1, "Home")
	# the folder is made once
	assert attach(customer, "second letter").folder == folder
	assert frappe.db.count("File", {"folder": "Home/Customers", "file_name": customer}) == 1


def test_other_files_stay_where_frappe_puts_them(make_customer):
	customer = make_customer().name
	chosen = frappe.get_doc(
		{"doctype": "File", "file_name": "Contracts", "is_folder": 1, "folder": "Home"}
	).insert()
	assert attach(customer, "in a chosen folder", folder=chosen.name).folder == chosen.name
	note = frappe.get_doc({"doctype": "ToDo", "description": "Not a customer"}).insert()
	elsewhere = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": "todo.txt",
			"content": b"todo",
			"attached_to_doctype": "ToDo",
			"attached_to_name": note.name,
		}
	).insert()
	assert elsewhere.folder == "Home/Attachments"


# ---- connections ----


def test_connections_list_existing_doctypes_and_load(make_customer):
	customer = make_customer().name
	api.add_task(customer, "Call")
	attach(customer, "letter")
	data = dashboard_data()
	listed = [doctype for group in data["transactions"] for doctype in group["items"]]
	assert "Customer Lifecycle Change" in listed and "ToDo" in listed and "File" in listed
	for doctype in ("Onboarding Checklist", "Customer Note", "Customer Flag"):
		assert doctype in listed

	# what the form's Connections area asks for
	counts = {
		row["doctype"]: row["count"]
		for row in get_open_count("Customer", customer)["count"]["external_links_found"]
	}
	assert counts["ToDo"] == 1
	assert counts["File"] == 1


# ---- workspace ----


def test_workspace_lists_my_open_customer_tasks(site):
	workspace = frappe.get_doc("Workspace", "Customers")
	quick = [q for q in workspace.quick_lists if q.document_type == "ToDo"]
	assert len(quick) == 1
	label, filters = quick[0].label, quick[0].quick_list_filter
	assert label == "My Open Customer Tasks"
	# Frappe evaluates the filter in the browser: frappe.session.user is the person looking
	assert '"allocated_to", "=", frappe.session.user' in filters
	assert '"reference_type", "=", "Customer"' in filters and '"status", "=", "Open"' in filters
	blocks = json.loads(workspace.content)
	assert {"type": "quick_list", "quick_list_name": label} in [
		{"type": b["type"], "quick_list_name": b["data"].get("quick_list_name")} for b in blocks
	]


# ---- over HTTP ----

API = "/api/method/customer_lifecycle.api.customer360"


def test_http_roles_and_methods(http, base_url, make_customer):
	customer = make_customer().name
	frappe.db.commit()  # the running server sees committed data only
	try:
		r = http("user").get(f"{base_url}{API}.summary", params={"customer": customer})
		assert r.status_code == 200, r.text
		assert r.json()["message"]["open_tasks"] == 0
		assert (
			http("outsider").get(f"{base_url}{API}.summary", params={"customer": customer}).status_code == 403
		)

		# changes only by POST
		r = http("user").get(
			f"{base_url}{API}.add_task", params={"customer": customer, "description": "Call"}
		)
		assert r.status_code == 403, r.text
		r = http("user").post(f"{base_url}{API}.add_task", data={"customer": customer, "description": "Call"})
		assert r.status_code == 200, r.text
		task = r.json()["message"]["name"]

		r = http("outsider").post(f"{base_url}{API}.complete_task", data={"task": task})
		assert r.status_code == 403, r.text
		r = http("user").post(f"{base_url}{API}.complete_task", data={"task": task})
		assert r.status_code == 200 and r.json()["message"]["status"] == "Closed"
		frappe.db.rollback()
		assert frappe.db.get_value("ToDo", task, "status") == "Closed"
	finally:
		frappe.db.rollback()
		# Frappe removes a deleted document's ToDos and comments in a background job: do it now
		frappe.db.delete("ToDo", {"reference_type": "Customer", "reference_name": customer})
		frappe.db.delete("Comment", {"reference_doctype": "Customer", "reference_name": customer})
		frappe.delete_doc("Customer", customer, force=True)
		frappe.db.commit()
