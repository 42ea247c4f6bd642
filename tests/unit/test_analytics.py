"""The analytics reports' rules without a database: payment behaviour, ratios, days and charts."""

import pytest

from customer_lifecycle.billing import analytics


@pytest.mark.parametrize(
	("invoices", "overdue", "days_late", "behaviour"),
	[
		(0, 0, None, analytics.NO_INVOICES),
		(3, 1, -5, analytics.OVERDUE),
		(3, 0, None, analytics.NOT_PAID_YET),
		(3, 0, -2, analytics.ON_TIME),
		(3, 0, 0, analytics.ON_TIME),
		(3, 0, 0.5, analytics.LATE),
		(3, 0, analytics.VERY_LATE_DAYS, analytics.LATE),
		(3, 0, analytics.VERY_LATE_DAYS + 0.1, analytics.VERY_LATE),
	],
)
def test_payment_behaviour(invoices, overdue, days_late, behaviour):
	assert analytics.payment_behaviour(invoices, overdue, days_late) == behaviour


def test_ratio_and_percent_without_a_whole_are_zero():
	assert analytics.ratio(3, 0) == 0 and analytics.percent(3, None) == 0
	assert analytics.ratio(450, 2) == 225
	assert analytics.percent(400, 450) == 88.89


def test_days_from_seconds():
	assert analytics.days(None) is None
	assert analytics.days(3 * analytics.SECONDS_PER_DAY) == 3
	assert analytics.days(analytics.SECONDS_PER_DAY // 4) == 0.2


def test_bar_chart_only_when_there_is_something_to_draw():
	assert analytics.bar_chart([], [], "Revenue") is None
	chart = analytics.bar_chart(["a", "b"], [2, 1], "Revenue", "Currency")
	assert chart == {
		"data": {"labels": ["a", "b"], "datasets": [{"name": "Revenue", "values": [2, 1]}]},
		"type": "bar",
		"fieldtype": "Currency",
	}
