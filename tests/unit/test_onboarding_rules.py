"""Onboarding rules without a database: template choice, completion, progress, overdue items; an
information request's status and reminder steps."""

from datetime import date
from types import SimpleNamespace as T

import pytest

from customer_lifecycle.onboarding.rules import (
	CLOSED,
	COMPLETE,
	COMPLETED,
	DRAFT,
	IN_PROGRESS,
	OPEN_STATUSES,
	OVERDUE,
	PARTLY_ANSWERED,
	SENT,
	choose_template,
	due_date,
	ended_round_status,
	is_complete,
	is_overdue,
	open_round_status,
	parse_days,
	progress,
	recipients,
	reminder_due,
	reminder_offsets,
	request_complete,
	request_status,
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


# --- information requests ----------------------------------------------------------------------

TODAY = date(2026, 6, 15)


def test_a_request_is_complete_when_every_required_item_is_provided():
	assert request_complete([item(done=1), item(required=0, done=0)])
	assert not request_complete([item(done=1), item(done=0)])
	# only optional items: every one of them
	assert not request_complete([item(required=0, done=1), item(required=0, done=0)])
	assert request_complete([item(required=0, done=1)])
	assert not request_complete([])


@pytest.mark.parametrize(
	"sent,items,due,expected",
	[
		(False, [item(done=1)], date(2026, 6, 1), DRAFT),
		(True, [item(), item()], date(2026, 6, 20), SENT),
		(True, [item(done=1), item()], date(2026, 6, 20), PARTLY_ANSWERED),
		(True, [item(done=1), item(required=0)], date(2026, 6, 20), COMPLETE),
		(True, [item(done=1), item()], date(2026, 6, 14), OVERDUE),
		(True, [item()], date(2026, 6, 14), OVERDUE),
		# complete stays complete after the due date; the due date itself is not overdue
		(True, [item(done=1)], date(2026, 6, 1), COMPLETE),
		(True, [item()], TODAY, SENT),
	],
)
def test_request_status(sent, items, due, expected):
	assert request_status(sent, items, due, TODAY) == expected
	assert (expected in OPEN_STATUSES) == (expected in (SENT, PARTLY_ANSWERED, OVERDUE))


def test_reminder_days_read_as_an_admin_writes_them():
	assert parse_days(" 7, 3,1 ,3") == [1, 3, 7]
	assert parse_days("0; 2") == [0, 2]
	assert parse_days("") == parse_days(None) == []
	for bad in ("two", "-1", "1.5"):
		with pytest.raises(ValueError) as error:
			parse_days(f"3, {bad}")
		assert str(error.value) == bad
	assert reminder_offsets([3, 1], [0, 7]) == [-3, -1, 0, 7]


def test_each_reminder_step_goes_once_on_its_day():
	offsets = reminder_offsets([3], [2])
	sent_on, due = date(2026, 6, 1), date(2026, 6, 10)
	when = {day: reminder_due(offsets, [], sent_on, due, date(2026, 6, day)) for day in range(5, 14)}
	assert when == {5: None, 6: None, 7: -3, 8: -3, 9: -3, 10: -3, 11: -3, 12: 2, 13: 2}
	# once sent, a step never goes again; the next one goes on its day
	assert reminder_due(offsets, [-3], sent_on, due, date(2026, 6, 8)) is None
	assert reminder_due(offsets, [-3], sent_on, due, date(2026, 6, 12)) == 2
	assert reminder_due(offsets, [-3, 2], sent_on, due, date(2026, 6, 30)) is None


def test_a_step_passed_over_or_before_the_request_was_sent_is_not_sent_late():
	offsets = reminder_offsets([7, 3], [1])
	due = date(2026, 6, 10)
	# the job missed both steps before the due date: the latest one that came goes, and only it
	assert reminder_due(offsets, [], date(2026, 6, 1), due, date(2026, 6, 9)) == -3
	assert reminder_due(offsets, [-3], date(2026, 6, 1), due, date(2026, 6, 9)) is None
	# sent two days before the due date: the steps of 7 and 3 days before had passed already
	assert reminder_due(offsets, [], date(2026, 6, 8), due, date(2026, 6, 9)) is None
	assert reminder_due(offsets, [], date(2026, 6, 8), due, date(2026, 6, 11)) == 1
	# a step on the day the request went is not sent: the request itself went that day
	assert reminder_due(reminder_offsets([3], []), [], date(2026, 6, 7), due, date(2026, 6, 7)) is None
