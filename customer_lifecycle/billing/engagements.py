"""Engagements (a customer's projects): delivery, undelivery, and the folder of their files.

Marking as delivered remembers the status the engagement had, so that marking it undelivered puts
it back there (an engagement delivered by mistake returns to In Progress, On Hold ...). Both work
on one engagement or many; each is saved through its controller, so permissions, the timeline and
track changes apply to every one.
"""

import frappe
from frappe import _
from frappe.utils import nowdate

from customer_lifecycle.customers.files import ensure_folder, make_folder
from customer_lifecycle.utils.doctypes import ENGAGEMENT

DELIVERED = "Delivered"
CANCELLED = "Cancelled"
# where an undelivered engagement goes when no earlier status is known
DEFAULT_STATUS = "Open"
# statuses that do not count as open work (the 360 header's open engagements)
CLOSED_STATUSES = (DELIVERED, CANCELLED)


def deliver(doc) -> bool:
	"""Mark one engagement delivered today; False when it already was. Cancelled ones are refused."""
	if doc.status == DELIVERED:
		return False
	if doc.status == CANCELLED:
		frappe.throw(
			_("Engagement {0} is cancelled and cannot be delivered.").format(frappe.bold(doc.name)),
			title=_("Cancelled Engagement"),
		)
	doc.status_before_delivery = doc.status
	doc.status = DELIVERED
	doc.delivered_on = nowdate()
	doc.save()
	return True


def undeliver(doc) -> bool:
	"""Return a delivered engagement to the status it had before; False when it was not delivered."""
	if doc.status != DELIVERED:
		return False
	doc.status = doc.status_before_delivery or DEFAULT_STATUS
	doc.status_before_delivery = None
	doc.delivered_on = None
	doc.save()
	return True


def set_delivered(names: list[str], delivered: bool) -> list[str]:
	"""Deliver or undeliver each engagement named (in one transaction); the names that changed."""
	change = deliver if delivered else undeliver
	changed = []
	for name in dict.fromkeys(names):
		if change(frappe.get_doc(ENGAGEMENT, name)):
			changed.append(name)
	return changed


def on_status_change(doc) -> None:
	"""Engagement.validate: a status set by hand keeps the delivery fields consistent."""
	if doc.status == DELIVERED:
		doc.delivered_on = doc.delivered_on or nowdate()
		if not doc.status_before_delivery:
			before = doc.get_doc_before_save()
			previous = before.status if before else None
			doc.status_before_delivery = previous if previous != DELIVERED else None
	else:
		doc.delivered_on = None
		doc.status_before_delivery = None


def engagement_folder(engagement: str, customer: str) -> str:
	"""The engagement's folder, under its customer's ("Home/Customers/<customer>/<engagement>")."""
	return make_folder(ensure_folder(customer), engagement)


def set_file_folder(file, method=None) -> None:
	"""File.before_insert: a file attached to an engagement goes to the engagement's folder."""
	if file.is_folder or file.attached_to_doctype != ENGAGEMENT or not file.attached_to_name:
		return
	if file.folder and file.folder not in ("Home", "Home/Attachments"):
		return
	customer = frappe.db.get_value(ENGAGEMENT, file.attached_to_name, "customer")
	if customer:
		file.folder = engagement_folder(file.attached_to_name, customer)
