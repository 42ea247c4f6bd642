"""Likely duplicate customers: scoring and lookup. (Being written: see the duplicates work.)"""


def validate_customer(doc) -> None:
	"""Customer.validate: keys for duplicate lookup, and the duplicate check on create."""
