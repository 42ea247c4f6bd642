"""Every argument of every whitelisted method of the app, tried with every payload over HTTP.

The methods and a call of each made as it should be come from api_cases.CASES (which fails on a
whitelisted method without a row); the arguments from each function's signature, so a new method
or argument is covered without a line here. Each try changes one argument of the valid call, as
the Customer Manager makes it (the portal user for the portal's calls, a guest with the link for
the one-time link's): a list argument gets the
payload as text and as an item of the list, a document argument as text and in each of its values.
An argument whose payloads a writing method refused, every one, must have left the database as it
was (Series).
"""

import importlib
import inspect
from collections.abc import Callable
from functools import cache
from typing import Any

import frappe
import pytest

from tests.integration.api_cases import (
	CASES,
	LINK_HOLDER,
	PACKAGE,
	PERMITTED,
	PORTAL_USER,
	World,
	changed,
	encode,
	files_of,
	persona_email,
	short,
	snapshot,
	valid_args,
	verb_of,
)
from tests.integration.hostile.attack import TALLY, Answer, attack, send

# Frappe's records that arguments name, besides the app's own DocTypes (for their fields' labels)
CORE_DOCTYPES = ("Contact", "Address", "ToDo", "User")


def function_of(key: str) -> Callable:
	module, name = key.rsplit(".", 1)
	return inspect.unwrap(getattr(importlib.import_module(module), name))


def arguments(key: str) -> list[str]:
	return list(inspect.signature(function_of(key)).parameters)


@cache
def labels() -> dict[str, set[str]]:
	"""fieldname -> the labels fields of that name carry, in the app's DocTypes and Frappe's above."""
	found: dict[str, set[str]] = {}
	modules = frappe.get_module_list(PACKAGE)
	doctypes = frappe.get_all("DocType", filters={"module": ("in", modules)}, pluck="name")
	for doctype in (*doctypes, *CORE_DOCTYPES):
		for df in frappe.get_meta(doctype).fields:
			if df.label:
				found.setdefault(df.fieldname, set()).add(df.label)
	return found


@cache
def doctypes() -> tuple[str, ...]:
	"""The app's DocTypes that hold rows (child tables too), and Frappe's above."""
	modules = frappe.get_module_list(PACKAGE)
	own = frappe.get_all(
		"DocType", filters={"module": ("in", modules), "issingle": 0, "is_virtual": 0}, pluck="name"
	)
	return (*own, *CORE_DOCTYPES)


def records_named(value: Any) -> set[str]:
	"""The DocTypes of the record an argument's valid value names (the first, for a list): a
	refusal such as "Engagement X not found" names such an argument by what it names."""
	if isinstance(value, list) and value:
		value = value[0]
	if isinstance(value, dict):
		value = value.get("name")
	if not isinstance(value, str) or not value:
		return set()
	return {doctype for doctype in doctypes() if frappe.db.exists(doctype, value)}


def names_of(argument: str, value: Any = None) -> set[str]:
	"""How a message may name an argument: its name, the label of a field of that name, or the kind
	of record its valid value names."""
	return {argument, *labels().get(argument, ()), *records_named(value)}


class Calls:
	"""One method's calls, by the persona that may make them, on records of a World; a World that a
	successful call changed (a customer moved on, a note deleted) is made anew before a refusal is
	judged, so that the refusal is about the payload, not a record used up."""

	def __init__(self, client, base_url: str, tables, key: str):
		self.key = key
		self.tables = tables
		self.case = CASES[key]
		self.persona = self.case.persona if self.case.persona in (PORTAL_USER, LINK_HOLDER) else "manager"
		self.session = client(self.persona)
		self.url = f"{base_url}/api/method/{key}"
		self.new_world()

	def new_world(self) -> None:
		permit = self.persona if self.persona in PERMITTED else None
		self.world = World(owner=persona_email(self.persona), permit=permit)
		self.used = False
		self.args = None
		self.accepted = False

	def valid(self) -> dict:
		"""The valid call's arguments on the World's records (made and committed on first use)."""
		if self.args is None:
			self.args = valid_args(self.case, self.world)
		return self.args

	def once(self, change: Callable[[dict], dict]) -> Answer:
		args = encode(change(self.valid()))
		answer = send(self.session, verb_of(self.case), self.url, args, files_of(self.case, self.world))
		if answer.status == 200:
			self.accepted = True
		return answer

	def series(self) -> "Series":
		return Series(self)

	def send(self, change: Callable[[dict], dict] = lambda args: args) -> Answer:
		answer = self.once(change)
		if 400 <= answer.status < 500 and self.used:
			self.new_world()
			answer = self.once(change)
		if answer.status == 200 and self.case.writes:
			self.used = True
		return answer


def variants(value: Any) -> list[tuple[str, Callable[[Any, str], Any]]]:
	"""Where a payload goes in an argument whose valid value is `value`: (label, put(current valid
	value, payload) -> the argument's value)."""
	as_text = ("", lambda current, text: text)
	if isinstance(value, list):
		return [as_text, ("[]", lambda current, text: [text])]
	if isinstance(value, dict):
		return [as_text] + [(f".{k}", lambda current, text, k=k: {**current, k: text}) for k in value]
	return [as_text]


# sending an information request needs an outgoing email account
pytestmark = pytest.mark.usefixtures("outgoing_account")


class Series:
	"""The payloads of one argument, for a method that writes: when every one of them was refused, the
	database must be as it was before the first (every row that names a record of the World, in the
	app's tables and Frappe's about records: api_cases.snapshot, as the permission suite checks its
	refusals)."""

	def __init__(self, calls: Calls):
		self.calls = calls
		calls.accepted = False
		calls.valid()
		self.world = calls.world
		self.before = snapshot(calls.tables, calls.world) if calls.case.writes else None

	def stored(self) -> list[str]:
		calls = self.calls
		if self.before is None or calls.accepted or calls.world is not self.world:
			return []
		return changed(self.before, snapshot(calls.tables, calls.world))


@pytest.mark.parametrize("key", sorted(CASES), ids=short)
def test_every_argument_takes_hostile_text(client, base_url, tables, hostile, key):
	calls = Calls(client, base_url, tables, key)
	valid = calls.valid()
	first = calls.send()
	assert first.status == 200, f"the call made as it should be fails: {first.status} {first.text[:500]}"
	findings = []
	for argument in arguments(key):
		for label, put in variants(valid.get(argument)):
			series = calls.series()

			def send_with(text, argument=argument, put=put):
				return calls.send(lambda args: {**args, argument: put(args.get(argument), text)})

			findings += attack(
				f"{short(key)}({argument}{label})",
				names_of(argument, valid.get(argument)),
				send_with,
				hostile,
				independent=not calls.case.writes,
			)
			if stored := series.stored():
				findings.append(
					TALLY.found(
						f"{short(key)}({argument}{label})", "every payload", f"refused, yet stored {stored}"
					)
				)
	assert not findings, "\n".join(findings)
