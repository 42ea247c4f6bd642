"""Concurrency soak (issue 18 §6), short: the `soak` benchmark's eight users (benchmarks/soak.py)
against the served site for CL_SOAK_SECONDS (15 s; the benchmark suite runs it for a minute and
prints the figures). Checked: every kind of work was done, the users' requests really overlapped
(they start together at a barrier; requests were in flight together, and the database saw the site's
queries running together; the row-lock waits it saw are reported, not required: a 20 ms sample may
miss short ones), no deadlock, lock timeout or
server error reached a user, and every invariant holds over the soak's customers afterwards."""

import json
import os
from pathlib import Path

import pytest

from customer_lifecycle.benchmarks import soak

SECONDS = float(os.environ.get("CL_SOAK_SECONDS", 15))


@pytest.fixture(scope="module")
def world(site):
	password = soak.ensure_users()
	world = soak.make_world()
	yield world, password
	soak.remove_world(world)


def test_eight_people_at_once(site, world, base_url):
	world, password = world
	report = soak.run(world, base_url, SECONDS, password)
	report.pop("ms")
	print(json.dumps(report, indent=1))
	if os.environ.get("CL_ARTIFACTS"):
		Path(os.environ["CL_ARTIFACTS"]).mkdir(parents=True, exist_ok=True)
		Path(os.environ["CL_ARTIFACTS"], "soak.json").write_text(json.dumps(report, indent=1))

	# it ran at once: requests in flight together, the site's queries running together in the database
	assert report["most requests in flight"] >= soak.USERS // 2, report
	assert report["most queries running at once"] >= 2, report
	# every kind of work was done, and done often; the merges happened while the others worked
	assert all(n >= 5 for n in report["ok"].values()), report
	assert report["merges"], report
	# no deadlock, lock timeout or server error reached a user
	assert not report["failures"], report
	# and the records are whole
	assert not report["breaches"], report
	checked = report["invariants checked on"]
	assert all(checked[k] for k in ("invoices", "payments", "lifecycle changes", "onboarding rounds")), report
