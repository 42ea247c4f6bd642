"""The users the benchmarks and tests log in as."""

import frappe
from frappe.utils.password import update_password


def ensure_user(email: str, roles: tuple[str, ...] | list[str], password: str | None = None) -> None:
	"""A user of that email (made with `roles` when missing, no welcome mail) whose password is now
	`password` (when given: a user who never logs in needs none). The caller commits."""
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": email.split("@")[0],
				"send_welcome_email": 0,
			}
		).insert(ignore_permissions=True)
		user.add_roles(*roles)
	if password is not None:
		update_password(email, password)
