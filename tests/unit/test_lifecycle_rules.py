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


def is_refused(from_state, to_state, terminal_states) -> bool:
	"""Whether check_move refuses the move."""
	try:
		check_move(from_state, to_state, terminal_states)
	except LifecycleRuleError:
		return True
	return False


@pytest.mark.parametrize(
	("from_state", "to_state", "terminal_states", "refused"),
	[
		("Prospect", "Anonymized", ["Anonymized"], False),  # into the final state
		("Anonymized", "Anonymized", ["Anonymized"], False),  # a save that stays there
		(None, "Prospect", ["Anonymized"], False),  # a new customer
		# what is refused: out of a final state, whichever states are final
		("Anonymized", "Prospect", ["Anonymized"], True),
		("Prospect", "Anonymized", ["Prospect"], True),
	],
)
def test_other_moves_pass_the_terminal_check(from_state, to_state, terminal_states, refused):
	assert is_refused(from_state, to_state, terminal_states) is refused


def test_find_transition_ignores_roles_but_honours_accept():
	assert find_transition(GRAPH, "Onboarding", "Active").action == "Activate"
	assert find_transition(GRAPH, "Prospect", "Active") is None
	assert find_transition(GRAPH, "Onboarding", "Active", accept=lambda t: False) is None


def test_shortest_path_follows_transitions():
	path = path_between(GRAPH, "Prospect", "Offboarded")
	assert [t.next_state for t in path] == ["Onboarding", "Active", "Offboarding", "Offboarded"]
	assert path_between(GRAPH, "Prospect", "Prospect") == []
	assert path_between(GRAPH, "Anonymized", "Active") is None
