"""Customer Notes: what staff write down about a customer, and the customer's emails.

- A note is Internal or Customer-visible (customer-visible notes are for the portal); pinned notes
  come first on the form. Edits keep their history (Customer Note tracks changes: Frappe Versions).
- The author (the note's owner) and Customer Managers may edit and delete a note; other staff only
  read it. `has_permission` (hooks.py) says so for every way in: the form, REST and the app's API.
- An email sent or received on a customer's form (a Communication referencing the Customer) is
  logged as a note once, unless Customer Lifecycle Settings turns `log_emails_as_notes` off.
"""

import frappe
from frappe import _
from frappe.utils import escape_html

from customer_lifecycle.utils.doctypes import CUSTOMER, NOTE, SETTINGS

# roles that may change any note, not only their own
NOTE_ADMIN_ROLES = frozenset({"Customer Manager", "System Manager"})
# what a change of a note is, for the permission check
CHANGE_PTYPES = frozenset({"write", "delete"})


def may_change(note_owner: str | None, user: str, roles) -> bool:
	"""Whether a user may edit or delete a note: its author, a Customer Manager or an admin."""
	return user == note_owner or bool(NOTE_ADMIN_ROLES.intersection(roles))


def has_permission(doc, ptype=None, user=None, debug=False) -> bool | None:
	"""hooks.py has_permission for Customer Note: refuse edits and deletes of other people's notes.

	Returns None (no opinion: the role permissions decide) for everything else.
	"""
	if ptype not in CHANGE_PTYPES:
		return None
	user = user or frappe.session.user
	return may_change(doc.get("owner"), user, frappe.get_roles(user))


def logs_emails() -> bool:
	"""The setting `log_emails_as_notes`; unset (a site from before the setting) means on, its default."""
	value = frappe.db.get_singles_dict(SETTINGS).get("log_emails_as_notes")
	return value in (None, "") or bool(frappe.utils.cint(value))


def is_customer_email(communication) -> bool:
	return (
		communication.reference_doctype == CUSTOMER
		and bool(communication.reference_name)
		and communication.communication_type == "Communication"
		and communication.communication_medium == "Email"
	)


def on_communication(communication, method=None) -> None:
	"""Communication.after_insert: an email on a customer's form becomes one of its notes."""
	if is_customer_email(communication) and logs_emails():
		log_email(communication)


def log_email(communication) -> str | None:
	"""Make the note of a customer's email, once: the name of the new note, or None.

	A second call finds the note already there; the unique `communication` column keeps two
	calls at the same moment to one note too.
	"""
	customer = communication.reference_name
	if frappe.db.exists(NOTE, {"communication": communication.name}) or not frappe.db.exists(
		CUSTOMER, customer
	):
		return None
	note = frappe.get_doc(
		{
			"doctype": NOTE,
			"customer": customer,
			"content": email_note_content(communication),
			"visibility": "Internal",
			"communication": communication.name,
		}
	)
	note.flags.from_communication = True
	try:
		# the system logs the email, whoever's session sent or received it
		note.insert(ignore_permissions=True)
	except frappe.UniqueValidationError:
		return None
	return note.name


def email_note_content(communication) -> str:
	"""The note's text for an email: subject, who it went to or came from, the message.

	Addresses are plain text ("Name <address>") and are escaped; subject and message are HTML that
	Frappe sanitised when it saved the Communication, and the note's own save sanitises them again.
	"""
	if communication.sent_or_received == "Received":
		who = _("Received from {0}").format(escape_html(communication.sender or ""))
	else:
		who = _("Sent to {0}").format(escape_html(communication.recipients or ""))
	subject = communication.subject or _("(no subject)")
	return f"<p><strong>{subject}</strong></p><p>{who}</p>{communication.content or ''}"
