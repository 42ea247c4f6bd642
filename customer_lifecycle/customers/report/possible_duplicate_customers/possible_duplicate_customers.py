# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

"""Possible Duplicate Customers: every pair of customers that share an email, phone, ID number or
name key, scored as the duplicate check on create scores them.

It runs with eight queries whatever the size of the table: for each key, the values shared by more
than one customer (a GROUP BY over the key's index), then those customers' rows. Pairs
are then formed and scored in Python within each group, never across the table. A group larger
than MAX_GROUP (a shared switchboard number, a very common name) is paired with its oldest customer
only. When the minimum score is above what a similar name alone scores, name groups are split by
email domain, since only a shared company domain (or a phone, found by the phone query) can lift
a name match to that score.

The queries read every customer (frappe.get_all): the report is for Customer Managers and System
Managers only (its roles), who may read them all.
"""

from itertools import combinations

import frappe
from frappe import _

from customer_lifecycle.customers.duplicates import (
	CANDIDATE_FIELDS,
	CUSTOMER,
	FREE_MAIL_DOMAINS,
	NAME_POINTS,
	describe,
	email_domain,
	score,
)
from customer_lifecycle.utils import replica
from customer_lifecycle.utils import report_columns as col

KEYS = ("email", "phone", "id_number", "name_key")
# the best pairs shown; more is not a list anyone works through
MAX_ROWS = 5000
MAX_GROUP = 50
DEFAULT_MIN_SCORE = 60


@replica.report
def execute(filters):
	min_score = (
		frappe.utils.cint(filters.get("min_score"))
		if filters.get("min_score") is not None
		else DEFAULT_MIN_SCORE
	)
	include_archived = frappe.utils.cint(filters.get("include_archived", 1))
	rows: dict[str, dict] = {}
	pairs: set[tuple[str, str]] = set()
	for key in KEYS:
		by_domain = key == "name_key" and min_score > NAME_POINTS
		groups: dict[tuple, list[str]] = {}
		for row in group_members(key):
			rows[row.name] = row
			domain = email_domain(row.email) if by_domain else None
			if by_domain and (not domain or domain in FREE_MAIL_DOMAINS):
				continue
			groups.setdefault((row[key], domain), []).append(row.name)
		for members in groups.values():
			pairs.update(pairs_of(sorted(members)))

	data = []
	for a, b in pairs:
		first, second = rows[a], rows[b]
		if filters.get("customer") and filters.customer not in (a, b):
			continue
		if not include_archived and (first.archived or second.archived):
			continue
		match = score(second, first)
		if not match or match.score < min_score:
			continue
		reasons = [describe(r) for r in match.reasons]
		reasons += [_("{0} archived").format(row.name) for row in (first, second) if row.archived]
		data.append(
			{
				"customer": a,
				"customer_name": first.customer_name,
				"lifecycle_status": first.lifecycle_status,
				"duplicate": b,
				"duplicate_name": second.customer_name,
				"duplicate_lifecycle_status": second.lifecycle_status,
				"score": match.score,
				"blocks": 1 if match.blocks else 0,
				"reasons": ", ".join(reasons),
			}
		)
	data.sort(key=lambda d: (-d["score"], d["customer"], d["duplicate"]))
	message = None
	if len(data) > MAX_ROWS:
		message = _("Showing the {0} best of {1} pairs: raise the minimum score to see fewer.").format(
			MAX_ROWS, len(data)
		)
	return columns(), data[:MAX_ROWS], message


def group_members(key: str) -> list[dict]:
	"""The customers whose `key` is shared with at least one other customer, in two queries: the
	shared values (a GROUP BY that reads only the key's index), then their rows by that index.
	One query joining a grouped derived table is slower here: MariaDB splits it per row."""
	# SQL text: `key` is one of the report's own KEY fields, never a filter value
	shared = frappe.db.sql_list(
		f"select `{key}` from `tabCustomer` where `{key}` > '' group by `{key}` having count(*) > 1"
	)
	if not shared:
		return []
	return frappe.get_all(
		CUSTOMER, filters={key: ("in", shared)}, fields=list(CANDIDATE_FIELDS), limit_page_length=0
	)


def pairs_of(members: list[str]):
	"""Every pair in a small group; in a large one, each member with the oldest (first) only."""
	if len(members) <= MAX_GROUP:
		return combinations(members, 2)
	return ((members[0], other) for other in members[1:])


def columns() -> list[dict]:
	return [
		*col.customer_columns(160, 180),
		col.data("lifecycle_status", _("Lifecycle"), 110),
		col.customer(160, "duplicate", _("Possible Duplicate")),
		col.data("duplicate_name", _("Its Name"), 180),
		col.data("duplicate_lifecycle_status", _("Its Lifecycle"), 110),
		col.integer("score", _("Score"), 80),
		col.check("blocks", _("Exact Match"), 100),
		col.data("reasons", _("Reasons"), 360),
	]
