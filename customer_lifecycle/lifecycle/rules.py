"""Rules about lifecycle transitions that need no database.

A workflow here is described by plain data: the ordered list of state names (the first is where
new customers start) and a list of (from_state, action, to_state, allowed_role) tuples, as read
from Frappe's Workflow. Nothing in this module names a state.
"""

from collections import deque
from collections.abc import Iterable
from typing import NamedTuple


class Transition(NamedTuple):
	state: str
	action: str
	next_state: str
	allowed: str


class LifecycleRuleError(ValueError):
	"""A move the lifecycle rules forbid, whoever asks for it."""


def check_move(from_state: str | None, to_state: str, terminal_states: Iterable[str]) -> None:
	"""Refuse any move out of a terminal state, whatever transitions an admin has added."""
	if from_state and from_state != to_state and from_state in set(terminal_states):
		raise LifecycleRuleError(f"{from_state} is a final state: a customer cannot leave it")


def find_transition(transitions: Iterable, from_state: str, to_state: str, accept=None):
	"""The first transition (anything with .state and .next_state) from from_state to to_state.

	Roles are not considered; accept, when given, is a further test each candidate must pass.
	"""
	for t in transitions:
		if t.state == from_state and t.next_state == to_state and (accept is None or accept(t)):
			return t
	return None


def path_between(transitions: Iterable[Transition], start: str, goal: str) -> list[Transition] | None:
	"""The shortest chain of transitions from start to goal (empty when they are equal), or None."""
	if start == goal:
		return []
	by_state: dict[str, list[Transition]] = {}
	for t in transitions:
		by_state.setdefault(t.state, []).append(t)
	seen = {start}
	queue: deque[tuple[str, list[Transition]]] = deque([(start, [])])
	while queue:
		state, path = queue.popleft()
		for t in by_state.get(state, []):
			if t.next_state in seen:
				continue
			if t.next_state == goal:
				return [*path, t]
			seen.add(t.next_state)
			queue.append((t.next_state, [*path, t]))
	return None
