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
		if frappe.db.exists("User", email):
			continue
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": first,
				"last_name": last,
				"user_type": "System User",
				"send_welcome_email": 0,
				"roles": [{"role": role}],
			}
		)
		user.flags.no_welcome_mail = True
		user.insert(ignore_permissions=True)
		update_password(email, STAFF_PASSWORD)
	return [email for email, *_rest in STAFF]
