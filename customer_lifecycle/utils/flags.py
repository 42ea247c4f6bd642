"""A frappe.flags value for the length of a block."""

from contextlib import contextmanager

import frappe


@contextmanager
def temporary_flag(name: str, value):
	"""Set frappe.flags.<name> for the block, then restore what it was."""
	previous = frappe.flags.get(name)
	frappe.flags[name] = value
	try:
		yield
	finally:
		frappe.flags[name] = previous
