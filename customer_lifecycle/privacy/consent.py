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
	return bool(contact) and not reasons_left_out([contact]).get(0)


# why a contact is left out of a marketing message, in the order they are checked
NO_EMAIL, UNSUBSCRIBED, NO_CONSENT = "no_email", "unsubscribed", "no_consent"
REASONS = (NO_EMAIL, UNSUBSCRIBED, NO_CONSENT)


def reason_left_out(contact, globally_unsubscribed: set[str]) -> str | None:
	"""Why a contact ({email_id, marketing_consent, unsubscribed}) may not get a marketing message,
	or None when it may: no email address; unsubscribed (Frappe's `unsubscribed` on the Contact, or
	a global Email Unsubscribe of its address); no marketing consent."""
	email = (contact.get("email_id") or "").strip().lower()
	if not email:
		return NO_EMAIL
	if contact.get("unsubscribed") or email in globally_unsubscribed:
		return UNSUBSCRIBED
	if not contact.get("marketing_consent"):
		return NO_CONSENT
	return None


def reasons_left_out(contacts: list) -> dict[int, str]:
	"""{index: reason} of the contacts that may not get a marketing message (one query for the
	global unsubscribes of all their addresses)."""
	emails = sorted({(c.get("email_id") or "").strip().lower() for c in contacts} - {""})
	unsubscribed = set()
	if emails:
		unsubscribed = {
			email.lower()
			for email in frappe.get_all(
				"Email Unsubscribe",
				filters={"email": ("in", emails), "global_unsubscribe": 1},
				pluck="email",
			)
		}
	found = {}
	for index, contact in enumerate(contacts):
		reason = reason_left_out(contact, unsubscribed)
		if reason:
			found[index] = reason
	return found


def withdraw_on_unsubscribe(member, method=None) -> None:
	"""Email Group Member.on_update: someone who unsubscribes from a newsletter (Frappe's
	/unsubscribe page) has unsubscribed: each Contact with that address is marked `unsubscribed`,
	which withdraws its marketing consent (set_consent_date)."""
	if not member.unsubscribed or not member.has_value_changed("unsubscribed"):
		return
	email = (member.email or "").strip()
	if not email:
		return
	names = set(frappe.get_all("Contact", filters={"email_id": email}, pluck="name"))
	names.update(
		frappe.get_all("Contact Email", filters={"email_id": email, "parenttype": "Contact"}, pluck="parent")
	)
	for name in sorted(names):
		contact = frappe.get_doc("Contact", name)
		if contact.unsubscribed and not contact.marketing_consent:
			continue
		contact.unsubscribed = 1
		contact.flags.ignore_permissions = True
		contact.save()
