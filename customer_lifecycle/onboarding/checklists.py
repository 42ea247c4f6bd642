"""Onboarding checklists (being written)."""


def on_customer_update(doc) -> None:
	"""Customer.on_update: a customer entering onboarding gets this round's checklist."""


def notify_overdue_items() -> None:
	"""Daily: tell the responsible people about overdue checklist items."""
