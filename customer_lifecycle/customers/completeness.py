"""Completeness score (being written)."""


def set_score(doc) -> None:
	pass
