"""The demo firm's staff: desk users who own the tasks, raise the flags, write the notes and tick
the checklists, so lists and reports show people, not only Administrator."""

import frappe
from frappe.utils.password import update_password

from customer_lifecycle.utils.doctypes import MANAGER_ROLE, USER_ROLE

# email, first name, last name, role; they log in with STAFF_PASSWORD
STAFF = (
	("amara.okafor@example.com", "Amara", "Okafor", MANAGER_ROLE),
	("ben.hughes@example.com", "Ben", "Hughes", USER_ROLE),
	("priya.shah@example.com", "Priya", "Shah", USER_ROLE),
)
STAFF_PASSWORD = "Staff-demo-1"


def make_staff() -> list[str]:
	"""The staff users (made once), by email."""
	for email, first, last, role in STAFF:
		if not frappe.db.exists("User", email):
			ensure_user(email, (role,), STAFF_PASSWORD, first, last)
	return [email for email, *_rest in STAFF]


def ensure_user(
	email: str,
	roles: tuple[str, ...] | list[str],
	password: str | None = None,
	first_name: str | None = None,
	last_name: str | None = None,
) -> None:
	"""A desk user of that email (made with `roles` when missing, no welcome mail) whose password is
	now `password` (when given: a user who never logs in needs none). The demo's staff and the
	benchmarks' users are made by it. The caller commits."""
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": first_name or email.split("@")[0],
				"last_name": last_name,
				"send_welcome_email": 0,
				"roles": [{"role": role} for role in roles],
			}
		)
		user.flags.no_welcome_mail = True
		user.insert(ignore_permissions=True)
	if password is not None:
		update_password(email, password)
