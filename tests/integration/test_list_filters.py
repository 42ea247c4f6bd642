"""The saved filters shipped with the customer list: present for everyone, correct, and left to admins."""

import json

import frappe
import pytest
from frappe.utils import add_months, now_datetime

from customer_lifecycle.api.lifecycle import apply_action
from customer_lifecycle.customers.list_filters import (
	default_filters,
	ensure_list_columns,
	ensure_list_filters,
)
from customer_lifecycle.lifecycle.engine import get_settings
from customer_lifecycle.utils.doctypes import SETTINGS
from tests.helpers import as_user

DEFAULTS = ("Active Companies", "Prospects This Month")


def sidebar_filters() -> dict[str, list]:
	"""What Frappe's list sidebar (list_filter.js get_list_filters) lists for the current user."""
	rows = frappe.get_list(
		"List Filter",
		fields=["name", "filter_name", "for_user", "filters"],
		filters={"reference_doctype": "Customer"},
		or_filters=[["for_user", "=", frappe.session.user], ["for_user", "=", ""]],
	)
	return {r.filter_name: json.loads(r.filters) for r in rows}


def matching(filter_name: str) -> set[str]:
	"""The customers a saved filter selects, applied as the list view applies it."""
	filters = sidebar_filters()[filter_name]
	return set(
		frappe.get_list("Customer", filters=[f[:4] for f in filters], pluck="name", limit_page_length=0)
	)


def activate(name: str) -> None:
	apply_action(name, "Start Onboarding")
	apply_action(name, "Activate")


@pytest.mark.parametrize("persona", ["manager", "user"])
def test_both_defaults_show_to_every_desk_user(site, personas, persona):
	with as_user(personas[persona]):
		shown = sidebar_filters()
	assert set(DEFAULTS) <= set(shown)
	assert frappe.get_all(
		"List Filter",
		filters={"reference_doctype": "Customer", "filter_name": ("in", DEFAULTS)},
		pluck="for_user",
	) in (["", ""], [None, None])


def test_the_defaults_say_what_their_names_say(site):
	settings = get_settings()
	shown = sidebar_filters()
	assert shown["Active Companies"] == [
		["Customer", "customer_type", "=", "Company", False],
		["Customer", "lifecycle_status", "=", settings.active_state, False],
	]
	assert shown["Prospects This Month"] == [
		["Customer", "lifecycle_status", "=", "Prospect", False],
		["Customer", "creation", "Timespan", "this month", False],
	]


def test_active_companies_selects_active_companies_only(make_customer):
	company = make_customer(customer_type="Company")
	person = make_customer(customer_type="Individual")
	prospect_company = make_customer(customer_type="Company")
	activate(company.name)
	activate(person.name)
	selected = matching("Active Companies")
	assert company.name in selected
	assert person.name not in selected and prospect_company.name not in selected


def test_prospects_this_month_selects_new_prospects_only(make_customer):
	new = make_customer()
	onboarding = make_customer()
	apply_action(onboarding.name, "Start Onboarding")
	older = make_customer()
	frappe.db.set_value(
		"Customer", older.name, "creation", add_months(now_datetime(), -2), update_modified=False
	)
	selected = matching("Prospects This Month")
	assert new.name in selected
	assert onboarding.name not in selected and older.name not in selected


def test_an_admins_edits_survive_migrate(site):
	name = frappe.db.get_value(
		"List Filter", {"reference_doctype": "Customer", "filter_name": "Active Companies"}
	)
	edited = [["Customer", "customer_type", "=", "Trust", False]]
	frappe.db.set_value("List Filter", name, "filters", json.dumps(edited))
	ensure_list_filters()
	assert json.loads(frappe.db.get_value("List Filter", name, "filters")) == edited
	assert (
		frappe.db.count("List Filter", {"reference_doctype": "Customer", "filter_name": "Active Companies"})
		== 1
	)


def test_a_missing_default_is_made_again_and_a_personal_one_of_that_name_does_not_count(site, personas):
	frappe.db.delete("List Filter", {"reference_doctype": "Customer", "filter_name": "Prospects This Month"})
	frappe.get_doc(
		{
			"doctype": "List Filter",
			"reference_doctype": "Customer",
			"filter_name": "Prospects This Month",
			"for_user": personas["manager"],
			"filters": "[]",
		}
	).insert(ignore_permissions=True)
	ensure_list_filters()
	with as_user(personas["user"]):
		assert sidebar_filters()["Prospects This Month"] == default_filters()["Prospects This Month"]


def test_the_states_come_from_the_settings(site):
	settings = frappe.get_single(SETTINGS)
	settings.active_state = settings.dormant_state
	settings.save()
	try:
		assert default_filters()["Active Companies"][1] == [
			"Customer",
			"lifecycle_status",
			"=",
			settings.dormant_state,
			False,
		]
	finally:
		# the settings are cached in Redis, which a rollback does not reach
		frappe.db.rollback()
		frappe.clear_document_cache(SETTINGS, SETTINGS)


def test_the_customer_list_shows_the_balance_and_keeps_an_admins_columns(site):
	settings = frappe.get_doc("List View Settings", "Customer")
	assert [f["fieldname"] for f in json.loads(settings.fields)][:2] == ["status_field", "balance"]
	assert int(settings.total_fields) == 6
	# an admin's change survives the next migrate
	settings.total_fields = "4"
	settings.save(ignore_permissions=True)
	ensure_list_columns()
	assert frappe.db.get_value("List View Settings", "Customer", "total_fields") == "4"
	frappe.db.rollback()
