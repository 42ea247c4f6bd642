"""Files and tasks as seed 002 has them: the customer's folders and the files count with its
engagements' files, engagement folders refused on the Files tab, today's tasks first, the team's tasks."""

import frappe
import pytest
from frappe.utils import add_days, today

from customer_lifecycle.api import customer360
from customer_lifecycle.api import files as api
from customer_lifecycle.customers.summary import customer_summary
from tests.factories import make_active_customer, make_engagement
from tests.helpers import as_user


def attach(doctype: str, name: str, text: str, **fields):
	return frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{text}.txt",
			"content": text.encode(),
			"is_private": 1,
			"attached_to_doctype": doctype,
			"attached_to_name": name,
			**fields,
		}
	).insert()


def test_files_count_covers_the_engagements_files(site):
	customer = make_active_customer().name
	engagement = make_engagement(customer).name
	other = make_engagement(make_active_customer().name).name
	attach("Customer", customer, "contract")
	attach("Engagement", engagement, "quote")
	attach("Engagement", engagement, "plan")
	attach("Engagement", other, "not theirs")
	assert customer_summary(customer)["files"] == 3


def test_custom_folders_are_made_in_the_customers_folder_and_listed(make_customer, personas):
	customer = make_customer().name
	with as_user(personas["user"]):
		folder = api.add_folder(customer, "  Receipts ")["folder"]
	root = f"Home/Customers/{customer}"
	assert folder == f"{root}/Receipts"
	assert frappe.db.get_value("File", folder, ["is_folder", "folder", "file_name"]) == (1, root, "Receipts")
	# uploaded into the chosen folder, attached to the customer
	file = attach("Customer", customer, "receipt", folder=folder)
	assert file.folder == folder
	loose = attach("Customer", customer, "loose")
	listing = api.customer_files(customer, folder)
	assert [(f.file_name, f.engagement, f.files) for f in listing["folders"]] == [("Receipts", False, 1)]
	assert [f.name for f in listing["files"]] == [file.name]
	assert [f.name for f in api.customer_files(customer)["files"]] == [loose.name]
	assert {f.name for f in listing["recent"]} == {file.name, loose.name}
	# the same name twice, a slash, nothing: refused, naming the field
	for bad, error in (
		("Receipts", frappe.DuplicateEntryError),
		("a/b", frappe.ValidationError),
		("  ", frappe.MandatoryError),
	):
		with pytest.raises(error, match="Folder Name"):
			api.add_folder(customer, bad)


def test_custom_folders_are_renamed_with_their_files_and_removed_when_empty(make_customer):
	customer = make_customer().name
	folder = api.add_folder(customer, "Quotes")["folder"]
	file = attach("Customer", customer, "quote", folder=folder)
	renamed = api.rename_folder(customer, folder, "Saved Quotes")["folder"]
	assert renamed.endswith("/Saved Quotes") and not frappe.db.exists("File", folder)
	assert frappe.db.get_value("File", file.name, "folder") == renamed
	with pytest.raises(frappe.ValidationError, match="still holds files"):
		api.remove_folder(customer, renamed)
	frappe.delete_doc("File", file.name)
	api.remove_folder(customer, renamed)
	assert not frappe.db.exists("File", renamed)


def test_an_engagement_folder_cannot_be_renamed_or_removed_from_the_customer(site):
	customer = make_active_customer().name
	engagement = make_engagement(customer).name
	attach("Engagement", engagement, "brief")
	folder = f"Home/Customers/{customer}/{engagement}"
	listing = api.customer_files(customer)
	assert [(f.name, f.engagement) for f in listing["folders"]] == [(folder, True)]
	with pytest.raises(frappe.PermissionError, match="cannot be renamed"):
		api.rename_folder(customer, folder, "Mine now")
	with pytest.raises(frappe.PermissionError, match="cannot be removed"):
		api.remove_folder(customer, folder)
	assert frappe.db.exists("File", folder)
	# another customer's folder is not this customer's to touch
	other = make_active_customer().name
	with pytest.raises(frappe.ValidationError, match="not a folder of this customer"):
		api.rename_folder(other, folder, "Mine now")


def test_an_engagement_folder_cannot_be_removed_from_frappes_file_list(site):
	"""Frappe's File list deletes with delete_doc, whoever may: the folder of an engagement is refused
	there too, even emptied (Frappe itself keeps a folder that holds files, and lets only its owner,
	here Administrator, delete it), while a custom folder of the customer's may go."""
	customer = make_active_customer().name
	engagement = make_engagement(customer).name
	frappe.delete_doc("File", attach("Engagement", engagement, "brief").name, ignore_permissions=True)
	folder = f"Home/Customers/{customer}/{engagement}"
	custom = api.add_folder(customer, "Drafts")["folder"]
	with pytest.raises(frappe.PermissionError, match="folder of engagement"):
		frappe.delete_doc("File", folder)
	assert frappe.db.exists("File", folder)
	frappe.delete_doc("File", custom)
	assert not frappe.db.exists("File", custom)


def test_folders_need_the_customers_rights(make_customer, personas):
	customer = make_customer().name
	folder = api.add_folder(customer, "Private")["folder"]
	with as_user(personas["outsider"]):
		with pytest.raises(frappe.PermissionError):
			api.customer_files(customer)
		with pytest.raises(frappe.PermissionError):
			api.add_folder(customer, "Sneaky")
		with pytest.raises(frappe.PermissionError):
			api.remove_folder(customer, folder)
	assert frappe.db.exists("File", folder)


def test_todays_tasks_come_first_and_all_on_request(make_customer):
	customer = make_customer().name
	old = customer360.add_task(customer, "Old open task", date=add_days(today(), 5))
	frappe.db.set_value("ToDo", old["name"], "creation", add_days(today(), -3))
	due_today = customer360.add_task(customer, "Due today", date=today())
	frappe.db.set_value("ToDo", due_today["name"], "creation", add_days(today(), -2))
	made_today = customer360.add_task(customer, "Made today", date=add_days(today(), 9))
	listed = customer360.tasks(customer)
	assert [(t["name"], t["today"]) for t in listed] == [
		(due_today["name"], True),
		(made_today["name"], True),
	]
	every = customer360.tasks(customer, scope="all")
	assert [t["name"] for t in every] == [due_today["name"], made_today["name"], old["name"]]
	assert every[2]["today"] is False
	with pytest.raises(frappe.ValidationError, match="Scope"):
		customer360.tasks(customer, scope="week")


@pytest.fixture
def team(personas):
	"""A User Group of the Customer User and the Customer Manager (rolled back with the test)."""
	group = frappe.get_doc(
		{
			"doctype": "User Group",
			"name": f"Team {frappe.generate_hash(length=6)}",
			"user_group_members": [{"user": personas["user"]}, {"user": personas["manager"]}],
		}
	).insert(ignore_permissions=True)
	return group.name


def test_the_workspace_lists_the_teams_open_tasks(make_customer, personas, team):
	customer = make_customer().name
	mine = customer360.add_task(customer, "Mine", assign_to=personas["user"])
	colleague = customer360.add_task(customer, "The manager's", assign_to=personas["manager"])
	closed = customer360.add_task(customer, "Done", assign_to=personas["manager"])
	customer360.complete_task(closed["name"])
	outside = customer360.add_task(customer, "Not the team's", assign_to="Administrator")
	with as_user(personas["user"]):
		# (the site may hold other open tasks of these users: each is looked for by its assignee)
		result = customer360.team_tasks(order_by="newest", page_length=100)
		assert set(result["team"]) >= {personas["user"], personas["manager"]}
		assert outside["name"] not in [t["name"] for t in result["rows"]]
		own = customer360.team_tasks(assigned_to=personas["user"], order_by="newest", page_length=100)
		assert mine["name"] in [t["name"] for t in own["rows"]]
		only = customer360.team_tasks(assigned_to=personas["manager"], order_by="newest", page_length=100)
		names = [t["name"] for t in only["rows"]]
		assert colleague["name"] in names and closed["name"] not in names and mine["name"] not in names
		assert next(t for t in only["rows"] if t["name"] == colleague["name"])["customer"] == customer
		with pytest.raises(frappe.ValidationError, match="not in your team"):
			customer360.team_tasks(assigned_to="Administrator")
		with pytest.raises(frappe.ValidationError, match="Order By"):
			customer360.team_tasks(order_by="name; drop table")
	# without a shared group, a team of one: the manager's task is not the outsider-free user's
	frappe.delete_doc("User Group", team, ignore_permissions=True)
	with as_user(personas["user"]):
		names = [t["name"] for t in customer360.team_tasks(page_length=100)["rows"]]
		assert mine["name"] in names and colleague["name"] not in names


def test_the_workspace_holds_the_team_block(site):
	workspace = frappe.get_doc("Workspace", "Customers")
	assert "Team Customer Tasks" in [b.custom_block_name for b in workspace.custom_blocks]
	script = frappe.db.get_value("Custom HTML Block", "Team Customer Tasks", "script")
	assert "customer_lifecycle.api.customer360.team_tasks" in script
