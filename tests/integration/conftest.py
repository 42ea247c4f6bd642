import pytest


@pytest.fixture(autouse=True)
def _each_test_rolls_back(rollback):
	"""Integration tests run on the live test site; what a test writes is undone after it."""
	yield
