"""What people call a customer here ("Client", "Account"...), through Frappe Translation records."""


def apply_terms(settings) -> None:
	"""Customer Lifecycle Settings.on_update: make the desk and portal use the chosen words."""
