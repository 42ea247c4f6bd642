"""The completeness score: weighted share of the configured data points that are filled."""

import pytest

from customer_lifecycle.customers.completeness import is_filled, score

DEFAULT = [
	(f, 1.0)
	for f in ("email", "phone", "id_number", "customer_category", "primary_contact", "billing_address")
]


def test_empty_customer_scores_zero_and_full_one_scores_hundred():
	assert score({}, DEFAULT) == 0.0
	assert score({f: "x" for f, _ in DEFAULT}, DEFAULT) == 100.0


def test_share_is_rounded_to_one_decimal():
	assert score({"email": "a@b.co", "phone": "+441234"}, DEFAULT) == 33.3


def test_weights_count():
	rules = [("email", 3.0), ("phone", 1.0)]
	assert score({"email": "a@b.co"}, rules) == 75.0
	assert score({"phone": "+44"}, rules) == 25.0


def test_zero_and_negative_weights_are_ignored_and_no_rules_means_complete():
	assert score({"email": "x"}, [("email", 1.0), ("phone", 0.0), ("notes", -2.0)]) == 100.0
	assert score({}, []) == 100.0


@pytest.mark.parametrize(
	"value, filled",
	[(None, False), ("", False), ("   ", False), (0, False), ("x", True), (1, True), (2.5, True)],
)
def test_what_counts_as_filled(value, filled):
	assert is_filled(value) is filled
