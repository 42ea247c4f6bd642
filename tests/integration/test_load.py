"""The `load` benchmark's code, run briefly: gunicorn with 4 workers and an RQ worker on a port of
their own, 16 portal users of their own customers browsing every portal page and downloading their
invoice PDFs, and 4 staff users paging the customer list, opening forms and recording payments
(Locust, waiting 1-3 s), then the portal and ping with no waits. No answer may be an error, and no
portal answer may show another load customer's id, name or invoice. Speed is the benchmark's."""

import pytest

from customer_lifecycle.benchmarks import load


@pytest.fixture(scope="module")
def plan(site):
	return load.load_plan()


@pytest.fixture(scope="module")
def host(plan):
	with load.served(scheduler=False) as host:
		yield host


def test_portal_and_desk_under_load_answer_without_errors_or_cross_reads(plan, host):
	result = load.drive(plan, host, "mixed", 15)
	assert result["groups"].get("portal") and result["groups"].get("desk list"), result["samples"]
	assert result["groups"].get("desk payment") or result["groups"].get("desk form"), result
	assert (result["errors"], result["cross"]) == (0, 0), result["samples"]


@pytest.mark.parametrize("mode", ["portal", "ping"])
def test_no_wait_runs_answer_without_errors(plan, host, mode):
	result = load.drive(plan, host, mode, 5, users=8)
	assert result["groups"].get(mode), result
	assert (result["errors"], result["cross"]) == (0, 0), result["samples"]
