"""Fixtures of the unit tests (no database)."""

import pytest

from tests.unit.importer_rules import make_rules


@pytest.fixture
def rules():
	"""The importer's Rules for a site like the test site."""
	return make_rules()
