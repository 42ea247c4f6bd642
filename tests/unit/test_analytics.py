"""The analytics reports' rules without a database: payment behaviour, ratios, days and charts."""

import pytest

from customer_lifecycle.analytics import queries


@pytest.mark.parametrize(
	("invoices", "overdue", "days_late", "behaviour"),
	[
		(0, 0, None, queries.NO_INVOICES),
		(3, 1, -5, queries.OVERDUE),
		(3, 0, None, queries.NOT_PAID_YET),
		(3, 0, -2, queries.ON_TIME),
		(3, 0, 0, queries.ON_TIME),
		(3, 0, 0.5, queries.LATE),
		(3, 0, queries.VERY_LATE_DAYS, queries.LATE),
		(3, 0, queries.VERY_LATE_DAYS + 0.1, queries.VERY_LATE),
	],
)
def test_payment_behaviour(invoices, overdue, days_late, behaviour):
	assert queries.payment_behaviour(invoices, overdue, days_late) == behaviour


def test_ratio_and_percent_without_a_whole_are_zero():
	assert queries.ratio(3, 0) == 0 and queries.percent(3, None) == 0
	assert queries.ratio(450, 2) == 225
	assert queries.percent(400, 450) == 88.89


def test_days_from_seconds():
	assert queries.days(None) is None
	assert queries.days(3 * queries.SECONDS_PER_DAY) == 3
	assert queries.days(queries.SECONDS_PER_DAY // 4) == 0.2


def test_bar_chart_only_when_there_is_something_to_draw():
	assert queries.bar_chart([], [], "Revenue") is None
	chart = queries.bar_chart(["a", "b"], [2, 1], "Revenue", "Currency")
	assert chart == {
		"data": {"labels": ["a", "b"], "datasets": [{"name": "Revenue", "values": [2, 1]}]},
		"type": "bar",
		"fieldtype": "Currency",
	}
