"""Telling staff users something: Frappe's Notification Logs (the desk's bell, and email where the
user wants it)."""

import frappe
from frappe.desk.doctype.notification_log.notification_log import make_notification_logs

from customer_lifecycle.utils.doctypes import CUSTOMER


def notify(users: list[str], subject: str, customer: str | None = None, **fields) -> None:
	"""One Notification Log per user, about a customer when one is given."""
	if users:
		doc = frappe._dict(type="Alert", subject=subject, from_user=frappe.session.user, **fields)
		if customer:
			doc.update(document_type=CUSTOMER, document_name=customer)
		make_notification_logs(doc, users)
