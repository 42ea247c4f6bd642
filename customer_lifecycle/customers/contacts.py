"""Contacts and addresses (being written)."""


def load_contacts_and_addresses(doc) -> None:
	pass


def validate_primaries(doc) -> None:
	pass


def sync_customer(doc) -> None:
	pass


def unlink_customer(doc) -> None:
	pass
