"""Portal logins: a Customer Manager gives one of a customer's Contacts a portal login, or takes it
away again.

- Inviting turns the Contact's `portal_access` on and makes a website User from its email. Frappe's
  welcome email, with the link to set a password, is queued: it leaves once the transaction commits.
  A login that exists already (a person who belongs to another customer too, or was revoked before)
  is reused and enabled again; a staff login is never turned into a portal login.
- Revoking turns `portal_access` off (`Contact.user` stays: Frappe sets it from the email anyway). A
  login left with no customer loses the portal role, is disabled and logged out everywhere.

Both leave an entry on the customer's timeline.
"""

import frappe
from frappe import _
from frappe.sessions import clear_sessions
from frappe.utils import escape_html

from customer_lifecycle.portal import access
from customer_lifecycle.utils.doctypes import CUSTOMER, PORTAL_ROLE

CONTACT = "Contact"


def contact_customers(contact) -> list[str]:
	customers = access.customers_of_doc(contact)
	if not customers:
		frappe.throw(
			_("{0} {1} is not linked to any {2}.").format(_(CONTACT), frappe.bold(contact.name), _(CUSTOMER)),
			frappe.ValidationError,
		)
	return customers


def invite(contact_name: str) -> str:
	"""Give a contact a portal login; returns the User's name."""
	contact = frappe.get_doc(CONTACT, contact_name)
	customers = contact_customers(contact)
	email = (contact.email_id or "").strip().lower()
	if not email:
		frappe.throw(
			_("{0}: {1} has no email address, which the portal login needs. Add one first.").format(
				frappe.bold(_("Email Address")), frappe.bold(escape_html(contact.full_name or contact.name))
			),
			frappe.MandatoryError,
		)
	user = frappe.db.get_value("User", email, ["name", "user_type", "enabled"], as_dict=True)
	if user and user.user_type == "System User":
		frappe.throw(
			_(
				"{0} is a staff login. A portal login is for the {1}'s own people: use another email address."
			).format(frappe.bold(email), _(CUSTOMER)),
			frappe.ValidationError,
		)
	if user:
		doc = frappe.get_doc("User", user.name)
		set_notifications(user.name, 1)
		doc.enabled = 1
		doc.flags.ignore_permissions = True
		doc.add_roles(PORTAL_ROLE)  # saves
		doc.flags.delay_emails = True
		try:
			doc.send_welcome_mail_to_user()
		except frappe.OutgoingEmailError:
			# as Frappe does for a new user: the login works, the email waits for an email account
			frappe.clear_last_message()
			frappe.msgprint(_("Set up an outgoing email account to send the welcome email."), alert=True)
	else:
		doc = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": contact.first_name or email.split("@")[0],
				"last_name": contact.last_name,
				"user_type": "Website User",
				"send_welcome_email": 1,
				"roles": [{"role": PORTAL_ROLE}],
			}
		)
		doc.flags.delay_emails = True
		doc.insert(ignore_permissions=True)
	# set in place: Frappe's create_contact job (queued by the User's save) may be updating the
	# same Contact's names at this moment, and a whole-document save would collide with it
	frappe.db.set_value("Contact", contact.name, {"user": doc.name, "portal_access": 1})
	access.forget(doc.name)
	for customer in customers:
		log(customer, _("Portal access given to {0}.").format(email))
	return doc.name


def revoke(contact_name: str) -> None:
	"""Take a contact's portal login away."""
	contact = frappe.get_doc(CONTACT, contact_name)
	customers = contact_customers(contact)
	user = contact.user
	if not (user and contact.portal_access):
		frappe.throw(
			_("{0} has no portal access.").format(frappe.bold(escape_html(contact.full_name or contact.name)))
		)
	frappe.db.set_value("Contact", contact.name, "portal_access", 0)  # in place, as in invite
	access.forget(user)
	if not access.customers_of(user):
		close_login(user)
	for customer in customers:
		log(customer, _("Portal access of {0} revoked.").format(user))


def close_login(user: str) -> None:
	"""A website login with no customer left: no portal role, disabled, logged out."""
	doc = frappe.get_doc("User", user)
	doc.flags.ignore_permissions = True
	doc.remove_roles(PORTAL_ROLE)  # saves
	if doc.user_type != "System User" and doc.enabled:
		set_notifications(user, 0)
		doc.enabled = 0
		doc.save(ignore_permissions=True)
	clear_sessions(user=user, force=True)


def set_notifications(user: str, enabled: int) -> None:
	"""Turn the user's notifications on or off as their login is. A User's save does that too, but
	saves Notification Settings with the caller's permissions, which a Customer Manager has on no one
	else's: done first, the save finds nothing left to change."""
	if not frappe.db.exists("Notification Settings", user):
		return
	settings = frappe.get_doc("Notification Settings", user)
	if settings.enabled != enabled:
		settings.enabled = enabled
		settings.save(ignore_permissions=True)


def log(customer: str, text: str) -> None:
	frappe.get_doc(CUSTOMER, customer).add_comment("Info", text)


def access_rows(customer: str) -> list[dict]:
	"""The customer's contacts with their portal access, for the desk's dialog."""
	query, contact, link = access.contact_links()
	user = frappe.qb.DocType("User")
	rows = (
		query.left_join(user)
		.on(user.name == contact.user)
		.select(
			contact.name.as_("contact"),
			contact.full_name,
			contact.email_id,
			contact.user,
			contact.portal_access,
			user.enabled,
			user.last_login,
		)
		.where(link.link_name == customer)
		.orderby(contact.creation)
		.run(as_dict=True)
	)
	for row in rows:
		row.has_access = bool(row.user and row.portal_access and row.enabled)
	return rows
