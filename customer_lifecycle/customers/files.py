"""A customer's files (being written)."""


def set_folder(file, method=None) -> None:
	"""File.before_insert: files attached to a customer go to its own folder."""
