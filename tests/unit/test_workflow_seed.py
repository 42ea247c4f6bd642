"""The shipped lifecycle workflow, read from the seed file the installer uses."""

import json
from collections.abc import Iterable
from pathlib import Path

import customer_lifecycle
from customer_lifecycle.lifecycle.rules import Transition

SEED = Path(customer_lifecycle.__file__).parent / "seeds" / "customer_lifecycle_workflow.json"
STATES = ["Prospect", "Onboarding", "Active", "Dormant", "Offboarding", "Offboarded", "Anonymized"]


def reachable_states(transitions: Iterable[Transition], start: str) -> set[str]:
	"""Every state that can be reached from start, start included."""
	transitions = list(transitions)
	seen = {start}
	frontier = [start]
	while frontier:
		state = frontier.pop()
		for t in transitions:
			if t.state == state and t.next_state not in seen:
				seen.add(t.next_state)
				frontier.append(t.next_state)
	return seen


def load():
	return json.loads(SEED.read_text())


def test_states_in_order_and_state_field():
	wf = load()
	assert wf["document_type"] == "Customer"
	assert wf["workflow_state_field"] == "lifecycle_status"
	assert list(dict.fromkeys(s["state"] for s in wf["states"])) == STATES


def test_managers_and_users_may_edit_in_every_state_but_the_last():
	editors = {}
	for s in load()["states"]:
		editors.setdefault(s["state"], set()).add(s["allow_edit"])
	assert editors.pop("Anonymized") == {"Customer Manager"}
	assert all(roles == {"Customer Manager", "Customer User"} for roles in editors.values())


def test_transitions_and_roles():
	wf = load()
	edges = {(t["state"], t["next_state"]) for t in wf["transitions"]}
	assert edges == {
		("Prospect", "Onboarding"),
		("Onboarding", "Active"),
		("Active", "Dormant"),
		("Dormant", "Active"),
		("Active", "Offboarding"),
		("Dormant", "Offboarding"),
		("Offboarding", "Offboarded"),
		("Offboarded", "Onboarding"),
		("Prospect", "Anonymized"),
		("Offboarded", "Anonymized"),
	}
	manager = {(t["state"], t["next_state"]) for t in wf["transitions"] if t["allowed"] == "Customer Manager"}
	user = {(t["state"], t["next_state"]) for t in wf["transitions"] if t["allowed"] == "Customer User"}
	assert manager == edges
	assert user == {("Prospect", "Onboarding")}
	assert all(t["allow_self_approval"] for t in wf["transitions"])
	graph = [Transition(t["state"], t["action"], t["next_state"], t["allowed"]) for t in wf["transitions"]]
	assert reachable_states(graph, "Prospect") == set(STATES)
	assert not any(t["state"] == "Anonymized" for t in wf["transitions"])


def test_states_are_not_approval_steps():
	# Frappe creates "Workflow Action" approval items for states that are not optional; a lifecycle
	# is not an approval chain, so every state is optional and no such items pile up per customer
	assert all(s["is_optional_state"] for s in load()["states"])
