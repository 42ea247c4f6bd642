"""Helpers shared by the integration and browser tests."""

from contextlib import contextmanager

PASSWORD = "Cl-test-Passw0rd!"
PERSONAS = {
	"manager": ("cl.manager@example.com", ["Customer Manager"]),
	"user": ("cl.user@example.com", ["Customer User"]),
	"outsider": ("cl.outsider@example.com", ["Blogger"]),
}


@contextmanager
def as_user(email: str):
	"""Run the block as another user, then go back."""
	import frappe

	previous = frappe.session.user
	frappe.set_user(email)
	try:
		yield
	finally:
		frappe.set_user(previous)
