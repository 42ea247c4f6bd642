"""Customer Notes (being written)."""


def on_communication(communication, method=None) -> None:
	"""Communication.after_insert: an email on a customer's form becomes one of its notes."""
