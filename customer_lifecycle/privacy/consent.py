"""Marketing consent on a Contact (when it was given, withdrawn by unsubscribing), and whether a
message to chosen customers may go to a contact or customer.
"""

import frappe
from frappe.utils import now_datetime

from customer_lifecycle.privacy.records import is_anonymized
from customer_lifecycle.utils.doctypes import CUSTOMER


def set_consent_date(contact, method=None) -> None:
	"""Contact.before_save: `consent_date` is when marketing consent was given: set when it is ticked
	(a new contact may bring the date it was given, e.g. from an import), cleared when it is
	withdrawn. Unsubscribing (Frappe's `unsubscribed`) withdraws it."""
	if contact.get("unsubscribed"):
		contact.marketing_consent = 0
	if not contact.get("marketing_consent"):
		contact.consent_date = None
		return
	before = contact.get_doc_before_save()
	if before and before.get("marketing_consent"):
		contact.consent_date = before.get("consent_date") or contact.consent_date or now_datetime()
	elif before or not contact.consent_date:
		contact.consent_date = now_datetime()


def may_email(contact_or_customer) -> bool:
	"""Whether a marketing message (the messages to chosen customers) may go to a Contact, or to a
	Customer (through its primary contact): it has an email address, gave marketing consent, did not
	unsubscribe (Frappe's `unsubscribed` on the Contact, or a global Email Unsubscribe of the address),
	and the customer is not anonymized. Accepts a name or a document. Transactional emails (payment
	reminders, receipts, requests for information) do not ask: consent to marketing does not stop
	them; an unsubscribe from them is Frappe's own, per email."""
	doctype = getattr(contact_or_customer, "doctype", None)
	name = getattr(contact_or_customer, "name", contact_or_customer)
	if not name:
		return False
	if doctype == CUSTOMER or (doctype is None and frappe.db.exists(CUSTOMER, name)):
		if is_anonymized(name):
			return False
		name = frappe.db.get_value(CUSTOMER, name, "primary_contact")
		if not name:
			return False
	contact = frappe.db.get_value(
		"Contact", name, ["email_id", "marketing_consent", "unsubscribed"], as_dict=True
	)
	if not contact or not contact.email_id or contact.unsubscribed or not contact.marketing_consent:
		return False
	return not frappe.db.exists("Email Unsubscribe", {"email": contact.email_id, "global_unsubscribe": 1})
