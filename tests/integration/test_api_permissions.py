"""The permission suite: every whitelisted method of the app, called over HTTP.

For each method:
- a guest is refused, and so is a wrong role (the outsider; also a Customer User where only a
  Customer Manager may call it);
- a staff user restricted by User Permissions to their own customers is refused another customer's
  records (or gets an answer without them, for searches and counts);
- a method that changes data refuses GET (and Frappe's register says it is POST only);
- each refusal leaves the database as it was: every row, in every table of the app and in Frappe's
  tables about records (ToDo, Comment, Version, File, ...), that names a record of the test;
- the same call made as it should be (the right role, on the user's own customer) works, and changes
  the database when the method writes: the refusals are about who calls, not bad arguments.

METHODS holds one Case per method. test_every_whitelisted_method_has_a_case finds every
`@frappe.whitelist` of the app (its source, then Frappe's register) and fails on a method without a
row, or a row without a method. The table and the calls it makes are in api_cases.py (how to add
a method: its docstring); the fixtures `restricted` and `client` in conftest.py.

A restricted persona among the wrong roles (the portal user, on the desk's calls) is refused on
records of its own customer, so that the role is what refuses it, not the customer.

Calls open to guests who hold an information request's one-time link (persona LINK_HOLDER: a guest
session; no role admits anyone there, so they have no wrong roles) are refused to a guest holding
the link of another customer's request, and made as they should be with the link of the World's own
request.
"""

from collections.abc import Callable

import frappe
import pytest

from tests.integration.api_cases import (
	API,
	CASES,
	LINK_HOLDER,
	PERMITTED,
	Case,
	World,
	allowed_persona,
	build,
	call,
	changed,
	commit,
	discover,
	each_row_failed,
	files_of,
	own_persona,
	persona_email,
	right_persona,
	short,
	snapshot,
	verb_of,
)

# sending an information request needs an outgoing email account
pytestmark = pytest.mark.usefixtures("outgoing_account")


def test_every_whitelisted_method_has_a_case():
	found, cases = set(discover()), set(CASES)
	missing, stale = sorted(found - cases), sorted(cases - found)
	assert not missing, f"whitelisted methods without a permission case (add rows to METHODS): {missing}"
	assert not stale, f"cases for methods that are not whitelisted (any more): {stale}"


def case_params(select: Callable[[Case], bool] = lambda case: True, personas=lambda case: [None]):
	"""pytest params (key, persona) for the cases chosen, one per persona."""
	params = []
	for key, case in CASES.items():
		if not select(case):
			continue
		for persona in personas(case):
			label = short(key) if persona is False else f"{short(key)}-{persona or 'guest'}"
			params.append(pytest.param(key, persona, id=label))
	return params


@pytest.mark.parametrize("key,persona", case_params(personas=lambda case: [False]))
def test_methods_that_change_data_are_post_only(key, persona):
	verbs = discover()[key]
	if CASES[key].writes:
		assert verbs == ["POST"], f"{key} changes data but allows {verbs}"
	else:
		assert "GET" in verbs, f"{key} only reads, yet refuses GET: {verbs}"


@pytest.fixture(scope="module")
def other_world(site, restricted):
	"""Another customer's records, which no restricted user may reach: each of them is given a
	customer of their own (so that they are restricted at all; the World's `own`), none of these. The
	notes are the restricted Customer User's own, so that only the customer stands in their way."""
	world = World(owner=restricted["restricted_user"])
	for persona, email in restricted.items():
		world.own[persona] = World(owner=email, permit=persona).new_customer("own")
	world.own[LINK_HOLDER] = World(owner=persona_email(LINK_HOLDER), permit=LINK_HOLDER).request
	commit(*restricted.values())
	return world


def assert_refused(r, refused, world, before, after):
	if refused:
		refused(r, world)
	else:
		assert r.status_code == 403, f"{r.status_code}: {r.text[:500]}"
	assert not changed(before, after), f"refused, yet the database changed in {changed(before, after)}"


def refuse(client, base_url, tables, world, persona, key, verb=None, refused=None):
	case = CASES[key]
	args = build(case, world)
	before = snapshot(tables, world)
	r = call(client, base_url, persona, key, args, verb or verb_of(case), files_of(case, world))
	assert_refused(r, refused, world, before, snapshot(tables, world))


def world_of(persona: str | None, other_world: World) -> World:
	"""Where a persona's refusal is tried: a restricted persona's own customer's records (so that
	another customer is not what refuses them); the other World for everyone else."""
	return World(owner=persona_email(persona), permit=persona) if persona in PERMITTED else other_world


def wrong_roles(case: Case) -> list[str]:
	if case.wrong_roles is not None:
		return list(case.wrong_roles)
	return ["outsider", "user"] if case.managers_only else ["outsider"]


# --- refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize("key,persona", case_params())
def test_guests_are_refused(client, base_url, tables, other_world, key, persona):
	refuse(client, base_url, tables, other_world, persona, key)


@pytest.mark.parametrize("key,persona", case_params(personas=wrong_roles))
def test_wrong_roles_are_refused(client, base_url, tables, other_world, key, persona):
	refuse(client, base_url, tables, world_of(persona, other_world), persona, key)


@pytest.mark.parametrize(
	"key,persona",
	case_params(
		select=lambda case: case.other is not None,
		personas=lambda case: [own_persona(case) if case.other == "customer" else "user"],
	),
)
def test_another_customers_records_are_refused(client, base_url, tables, other_world, key, persona):
	"""A user restricted to their own customers, on another customer's records (for get_results: a
	Customer User asking for the Customer Manager's bulk run)."""
	refuse(client, base_url, tables, other_world, persona, key, refused=CASES[key].other_refused)


@pytest.mark.parametrize(
	"key,persona", case_params(select=lambda case: case.writes, personas=lambda case: [allowed_persona(case)])
)
def test_get_is_refused_where_data_changes(client, base_url, tables, other_world, key, persona):
	"""By someone who may make the call with POST, on records they may reach."""
	refuse(client, base_url, tables, world_of(persona, other_world), persona, key, verb="GET")


def test_customer_users_cannot_bulk_delete(client, base_url, tables, other_world):
	"""Deleting is for Customer Managers, as a bulk action too: the customer's row is refused."""
	case = Case(lambda w: {"action": "delete", "customers": [w.prospect]}, writes=True)
	args = build(case, other_world)
	before = snapshot(tables, other_world)
	r = call(client, base_url, "user", f"{API}.bulk.run", args, "POST")
	assert_refused(r, each_row_failed, other_world, before, snapshot(tables, other_world))


# --- the calls made as they should be (last: what they start in the background cannot disturb the
# refusals' database checks) -----------------------------------------------------------------------


@pytest.mark.parametrize("key,persona", case_params(personas=lambda case: [right_persona(case)]))
def test_the_call_made_as_it_should_be_works(client, base_url, tables, key, persona):
	"""The same call by a role that may make it, on the user's own customer's records: it works, and
	changes the database when the method writes."""
	case = CASES[key]
	world = World(owner=persona_email(persona), permit=persona if persona in PERMITTED else None)
	args = build(case, world)
	before = snapshot(tables, world)
	r = call(client, base_url, persona, key, args, verb_of(case), files_of(case, world))
	assert r.status_code == 200, r.text[:1000]
	if case.writes and case.changes_here:
		assert changed(before, snapshot(tables, world)), "the call succeeded, yet changed nothing"
	frappe.db.rollback()
	if case.ok:
		case.ok(r, world)
