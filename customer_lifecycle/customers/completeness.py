"""Completeness score (being written)."""


def set_score(doc) -> None:
	pass


def validate_rules(settings) -> None:
	pass


def on_settings_update(settings) -> None:
	pass
