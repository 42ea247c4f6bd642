import pytest

from customer_lifecycle.lifecycle.rules import (
	LifecycleRuleError,
	Transition,
	check_move,
	find_transition,
	path_between,
)

# the shipped workflow's graph, as plain data
GRAPH = [
	Transition("Prospect", "Start Onboarding", "Onboarding", "Customer User"),
	Transition("Onboarding", "Activate", "Active", "Customer Manager"),
	Transition("Active", "Mark Dormant", "Dormant", "Customer Manager"),
	Transition("Dormant", "Reactivate", "Active", "Customer Manager"),
	Transition("Active", "Start Offboarding", "Offboarding", "Customer Manager"),
	Transition("Dormant", "Start Offboarding", "Offboarding", "Customer Manager"),
	Transition("Offboarding", "Complete Offboarding", "Offboarded", "Customer Manager"),
	Transition("Offboarded", "Re-engage", "Onboarding", "Customer Manager"),
	Transition("Prospect", "Anonymize", "Anonymized", "Customer Manager"),
	Transition("Offboarded", "Anonymize", "Anonymized", "Customer Manager"),
]


def test_terminal_state_cannot_be_left_even_with_a_transition():
	graph = [*GRAPH, Transition("Anonymized", "Restore", "Active", "Customer Manager")]
	assert find_transition(graph, "Anonymized", "Active") is not None
	with pytest.raises(LifecycleRuleError):
		check_move("Anonymized", "Active", ["Anonymized"])


def test_other_moves_pass_the_terminal_check():
	check_move("Prospect", "Anonymized", ["Anonymized"])
	check_move("Anonymized", "Anonymized", ["Anonymized"])
	check_move(None, "Prospect", ["Anonymized"])


def test_find_transition_ignores_roles_but_honours_accept():
	assert find_transition(GRAPH, "Onboarding", "Active").action == "Activate"
	assert find_transition(GRAPH, "Prospect", "Active") is None
	assert find_transition(GRAPH, "Onboarding", "Active", accept=lambda t: False) is None


def test_shortest_path_follows_transitions():
	path = path_between(GRAPH, "Prospect", "Offboarded")
	assert [t.next_state for t in path] == ["Onboarding", "Active", "Offboarding", "Offboarded"]
	assert path_between(GRAPH, "Prospect", "Prospect") == []
	assert path_between(GRAPH, "Anonymized", "Active") is None
