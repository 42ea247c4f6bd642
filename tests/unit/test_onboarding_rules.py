"""Onboarding rules without a database: template choice, completion, progress, overdue items."""

from datetime import date
from types import SimpleNamespace as T

import pytest

from customer_lifecycle.onboarding.rules import (
	CLOSED,
	COMPLETED,
	IN_PROGRESS,
	choose_template,
	due_date,
	ended_round_status,
	is_complete,
	is_overdue,
	open_round_status,
	progress,
	recipients,
	required_counts,
	specificity,
)


def template(name, customer_type=None, customer_category=None, is_default=0):
	return T(
		name=name, customer_type=customer_type, customer_category=customer_category, is_default=is_default
	)


def item(required=1, done=0, due=None, user=None, role=None):
	return T(required=required, done=done, due_date=due, responsible_user=user, responsible_role=role)


TEMPLATES = [
	template("Standard", is_default=1),
	template("Companies", customer_type="Company"),
	template("VIP", customer_category="VIP"),
	template("VIP Companies", customer_type="Company", customer_category="VIP"),
]


@pytest.mark.parametrize(
	("customer_type", "category", "expected"),
	[
		("Company", "VIP", "VIP Companies"),  # type and category
		("Individual", "VIP", "VIP"),  # category
		("Company", "Retail", "Companies"),  # type
		("Company", None, "Companies"),
		("Trust", "Retail", "Standard"),  # the default
		("Individual", None, "Standard"),
	],
)
def test_the_most_specific_template_wins(customer_type, category, expected):
	assert choose_template(TEMPLATES, customer_type, category).name == expected


def test_category_outranks_type():
	assert specificity(template("c", customer_category="VIP"), "Company", "VIP") == 2
	assert specificity(template("t", customer_type="Company"), "Company", "VIP") == 1
	assert choose_template(TEMPLATES[1:3], "Company", "VIP").name == "VIP"


def test_no_default_and_no_match_gives_none():
	assert choose_template(TEMPLATES[1:], "Trust", "Retail") is None
	assert choose_template([], "Company", "VIP") is None


def test_a_template_for_other_customers_never_applies():
	assert (
		specificity(template("x", customer_type="Trust", customer_category="VIP"), "Company", "VIP") is None
	)
	# a template naming nobody applies only as the default
	assert specificity(template("x"), "Company", "VIP") is None
	assert specificity(template("x", is_default=1), "Company", "VIP") == 0


def test_ties_go_to_the_first_name_whatever_the_order():
	a, b = template("Alpha", customer_type="Company"), template("Beta", customer_type="Company")
	assert choose_template([b, a], "Company", None).name == "Alpha"
	assert choose_template([a, b], "Company", None).name == "Alpha"


def test_due_dates_count_from_the_start_of_the_round():
	start = date(2026, 1, 30)
	assert due_date(start, 3) == date(2026, 2, 2)
	assert due_date(start, 0) == start
	assert due_date(start, None) == start
	assert due_date(start, -4) == start


def test_complete_when_every_required_item_is_done():
	assert is_complete([item(done=1), item(done=1), item(required=0, done=0)])
	assert not is_complete([item(done=1), item(done=0), item(required=0, done=1)])
	assert required_counts([item(done=1), item(done=0), item(required=0, done=1)]) == (1, 2)


def test_a_checklist_without_required_items_never_completes_by_itself():
	assert not is_complete([])
	assert not is_complete([item(required=0, done=1)])


def test_progress_counts_every_item():
	assert progress([]) == 0.0
	assert progress([item(done=1), item(done=0), item(required=0, done=1)]) == 66.7
	assert progress([item(done=1), item(required=0, done=1)]) == 100.0


def test_status_of_running_and_ended_rounds():
	done, undone = [item(done=1)], [item(done=0)]
	assert open_round_status(done) == COMPLETED
	assert open_round_status(undone) == IN_PROGRESS
	assert ended_round_status(done) == COMPLETED
	assert ended_round_status(undone) == CLOSED


def test_overdue_means_undone_and_past_its_due_date():
	today = date(2026, 5, 10)
	assert is_overdue(item(due=date(2026, 5, 9)), today)
	assert not is_overdue(item(due=date(2026, 5, 10)), today)  # due today is not late yet
	assert not is_overdue(item(due=date(2026, 5, 1), done=1), today)
	assert not is_overdue(item(due=None), today)


def test_overdue_reminders_go_to_the_responsible_people():
	roles = {"Accounts": ["a@example.com", "b@example.com"], "Empty": []}
	managers = ["m@example.com"]
	assert recipients(item(user="u@example.com", role="Accounts"), roles, managers) == ["u@example.com"]
	assert recipients(item(role="Accounts"), roles, managers) == ["a@example.com", "b@example.com"]
	assert recipients(item(role="Empty"), roles, managers) == managers
	assert recipients(item(), roles, managers) == managers
