"""Records the billing module ships: the payment reminder and receipt Email Templates, the
engagements' Kanban board, the firm's currency, and the time list's saved filter "My Time". Made
once at install or migrate; the admins' to change afterwards."""

import frappe

from customer_lifecycle.billing.currency import ensure_site_currency
from customer_lifecycle.billing.receipts import RECEIPT_TEMPLATE
from customer_lifecycle.billing.reminders import REMINDER_TEMPLATE
from customer_lifecycle.customers.list_filters import ensure_filters_for
from customer_lifecycle.utils.doctypes import ENGAGEMENT, TIME_ENTRY
from customer_lifecycle.utils.seeds import ensure_email_templates

KANBAN_BOARD = "Engagements"
# the engagement statuses as Kanban columns, with their colours
KANBAN_COLUMNS = (
	("Open", "Blue"),
	("In Progress", "Orange"),
	("On Hold", "Gray"),
	("Delivered", "Green"),
	("Cancelled", "Red"),
)


# a saved filter's value that the time list (time_entry_list.js) reads as the session user: Frappe's
# own word for them in a field's default; saved filters otherwise hold fixed values
SESSION_USER = "__user"
TIME_FILTERS = {"My Time": [[TIME_ENTRY, "user", "=", SESSION_USER, False]]}


def ensure_billing_records() -> None:
	ensure_email_templates(EMAIL_TEMPLATES)
	ensure_kanban_board()
	ensure_site_currency()
	ensure_filters_for(TIME_ENTRY, TIME_FILTERS)


# the emails billing ships, each made once from its seed: an admin's edits survive migrate
EMAIL_TEMPLATES = {
	REMINDER_TEMPLATE: "payment_reminder_email.json",
	RECEIPT_TEMPLATE: "payment_receipt_email.json",
}


def ensure_kanban_board() -> None:
	"""A public Kanban board of engagements by status, once."""
	if frappe.db.exists("Kanban Board", KANBAN_BOARD):
		return
	frappe.get_doc(
		{
			"doctype": "Kanban Board",
			"kanban_board_name": KANBAN_BOARD,
			"reference_doctype": ENGAGEMENT,
			"field_name": "status",
			"private": 0,
			"show_labels": 1,
			"fields": '["customer_name", "due_date"]',
			"columns": [
				{"column_name": status, "status": "Active", "indicator": colour}
				for status, colour in KANBAN_COLUMNS
			],
		}
	).insert(ignore_permissions=True)


def remove_billing_records() -> None:
	"""Before uninstall: the Kanban board (its DocType goes with the app); the email template stays,
	as admins may use it elsewhere."""
	if frappe.db.exists("Kanban Board", KANBAN_BOARD):
		frappe.delete_doc("Kanban Board", KANBAN_BOARD, ignore_permissions=True, force=True)
