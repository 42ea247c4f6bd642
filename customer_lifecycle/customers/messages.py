"""Messages to chosen customers, through Frappe's Newsletter and Email Group.

The customers are chosen by any of: a category, a segment (revenue, activity, payment), a tag, a
saved filter of the customer list (List Filter), the list's own filters, or names picked in the
list; the choices narrow each other. Only customers the user may read count (frappe.get_list), and
never an archived or anonymized one.

Their contacts (Frappe's Contacts linked to them) with an email address, marketing consent and no
unsubscribe (privacy/consent.py) make the audience, one member per address; the others are counted
by the reason they are left out. `preview` says so before anything is made; `make_newsletter` makes
an Email Group of that audience and a draft Newsletter to it, for the user to write and send in
Frappe's own Newsletter form.
"""

import json

import frappe
from frappe import _
from frappe.utils import now_datetime

from customer_lifecycle.privacy import consent
from customer_lifecycle.privacy.records import anonymized_state
from customer_lifecycle.utils.doctypes import CATEGORY, CUSTOMER

SEGMENT_FIELDS = ("revenue_segment", "activity_segment", "payment_segment")
CHOICES = ("customers", "filters", "category", "tag", "saved_filter", *SEGMENT_FIELDS)


def bad_choice(field: str, problem: str):
	"""A refusal naming the choice of the selection that is wrong."""
	frappe.throw(
		_("{0} of the selection: {1}").format(frappe.bold(_(field.replace("_", " ").title())), problem),
		title=_("Invalid Selection"),
	)


def customer_filters(selection: dict) -> tuple[list, list]:
	"""(filters, or_filters) for frappe.get_list over Customer from a selection, each choice checked
	and named when it is wrong."""
	unknown = set(selection) - set(CHOICES)
	if unknown:
		bad_choice(sorted(unknown)[0], _("not a way to choose customers; use {0}").format(", ".join(CHOICES)))
	filters: list = [[CUSTOMER, "archived", "=", 0]]
	state = anonymized_state()
	if state:
		filters.append([CUSTOMER, "lifecycle_status", "!=", state])
	or_filters: list = []
	meta = frappe.get_meta(CUSTOMER)
	if selection.get("category"):
		if not frappe.db.exists(CATEGORY, selection["category"]):
			bad_choice("category", _("{0} is not a Customer Category").format(selection["category"]))
		filters.append([CUSTOMER, "customer_category", "=", selection["category"]])
	for field in SEGMENT_FIELDS:
		value = selection.get(field)
		if value:
			options = [o for o in (meta.get_field(field).options or "").split("\n") if o]
			if value not in options:
				bad_choice(field, _("{0} is not one of {1}").format(value, ", ".join(options)))
			filters.append([CUSTOMER, field, "=", value])
	if selection.get("tag"):
		tag = str(selection["tag"]).strip()
		# Frappe keeps a record's tags as ",a,b" in _user_tags
		or_filters = [
			[CUSTOMER, "_user_tags", "like", f"%,{tag},%"],
			[CUSTOMER, "_user_tags", "like", f"%,{tag}"],
		]
	if selection.get("saved_filter"):
		filters.extend(saved_filter(selection["saved_filter"]))
	for row in selection.get("filters") or []:
		if isinstance(row, dict):
			filters.extend([CUSTOMER, field, "=", value] for field, value in row.items())
		elif isinstance(row, list | tuple) and len(row) >= 3:
			filters.append(list(row[:4]) if len(row) >= 4 else [CUSTOMER, *row])
		else:
			bad_choice("filters", _("each filter is [field, operator, value]"))
	if selection.get("customers"):
		names = selection["customers"]
		if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
			bad_choice("customers", _("a list of customer names"))
		for name in names:
			frappe.has_permission(CUSTOMER, "read", name, throw=True)
		filters.append([CUSTOMER, "name", "in", names])
	if len(filters) == (2 if state else 1) and not or_filters:
		bad_choice("selection", _("choose customers by a category, segment, tag, saved filter or names"))
	return filters, or_filters


def saved_filter(name: str) -> list:
	"""The filters of a saved filter of the customer list (its name or its title), the user's own or
	everyone's."""
	rows = frappe.get_all(
		"List Filter",
		filters={"reference_doctype": CUSTOMER},
		or_filters={"name": name, "filter_name": name},
		fields=["filters", "for_user"],
	)
	row = next((r for r in rows if r.for_user in (frappe.session.user, "", None)), None)
	if not row:
		bad_choice("saved_filter", _("{0} is not a saved filter of the customer list").format(name))
	return [list(f[:4]) for f in json.loads(row.filters or "[]")]


def chosen_customers(selection: dict) -> list[str]:
	filters, or_filters = customer_filters(selection)
	return frappe.get_list(
		CUSTOMER, filters=filters, or_filters=or_filters, pluck="name", limit_page_length=0, order_by="name"
	)


def audience(selection: dict) -> dict:
	"""{customers, contacts, emails (the addresses that get it, once each), included (their number),
	left_out: {reason: count}, customers_without_contacts}."""
	customers = chosen_customers(selection)
	contacts = contacts_of(customers)
	reasons = consent.reasons_left_out(contacts)
	left_out = dict.fromkeys(consent.REASONS, 0)
	for reason in reasons.values():
		left_out[reason] += 1
	emails = sorted({c.email_id.strip().lower() for index, c in enumerate(contacts) if index not in reasons})
	with_contacts = {c.customer for c in contacts}
	return {
		"customers": len(customers),
		"contacts": len(contacts),
		"emails": emails,
		"included": len(emails),
		"left_out": left_out,
		"customers_without_contacts": len(set(customers) - with_contacts),
	}


def contacts_of(customers: list[str]) -> list[frappe._dict]:
	"""The Contacts linked to these customers, each once (under its first customer)."""
	if not customers:
		return []
	contact, link = frappe.qb.DocType("Contact"), frappe.qb.DocType("Dynamic Link")
	rows = (
		frappe.qb.from_(contact)
		.join(link)
		.on((link.parent == contact.name) & (link.parenttype == "Contact"))
		.select(
			contact.name,
			contact.email_id,
			contact.marketing_consent,
			contact.unsubscribed,
			link.link_name.as_("customer"),
		)
		.where((link.link_doctype == CUSTOMER) & link.link_name.isin(customers))
		.orderby(contact.name)
		.run(as_dict=True)
	)
	seen, found = set(), []
	for row in rows:
		if row.name not in seen:
			seen.add(row.name)
			found.append(row)
	return found


def summary(found: dict) -> dict:
	"""The preview: everything but the addresses themselves."""
	return {key: value for key, value in found.items() if key != "emails"}


# the longest subject a Newsletter takes (its name and route are made from it)
SUBJECT_LENGTH = 120


def make_newsletter(selection: dict, subject: str) -> dict:
	"""An Email Group of the audience and a draft Newsletter to it; the preview's figures with the
	names made."""
	subject = (subject or "").strip()
	if not subject:
		frappe.throw(_("{0} is required.").format(frappe.bold(_("Subject"))), frappe.MandatoryError)
	# Frappe names a Newsletter after its subject (and routes it by that name)
	if len(subject) > SUBJECT_LENGTH or "<" in subject or ">" in subject:
		frappe.throw(
			_("{0}: at most {1} characters, without < or >.").format(
				frappe.bold(_("Subject")), SUBJECT_LENGTH
			),
			title=_("Invalid Subject"),
		)
	found = audience(selection)
	if not found["included"]:
		frappe.throw(
			_("None of the chosen customers' contacts may get a marketing message: {0}.").format(
				left_out_text(found["left_out"])
			),
			title=_("No Recipients"),
		)
	group = make_email_group(subject, found["emails"])
	newsletter = frappe.get_doc(
		{
			"doctype": "Newsletter",
			"subject": subject,
			"sender_email": sender_email(),
			"sender_name": frappe.utils.get_fullname(frappe.session.user),
			"send_unsubscribe_link": 1,
			"email_group": [{"email_group": group}],
		}
	)
	# Frappe names a Newsletter after its subject: one of that name already is refused here, naming it
	newsletter.autoname()
	if newsletter.name and frappe.db.exists("Newsletter", newsletter.name):
		frappe.throw(
			_("{0}: a newsletter with this subject exists already; choose another.").format(
				frappe.bold(_("Subject"))
			),
			title=_("Subject Taken"),
		)
	newsletter.insert()
	return {**summary(found), "email_group": group, "newsletter": newsletter.name}


def make_email_group(subject: str, emails: list[str]) -> str:
	title = f"{subject[:100]} ({now_datetime():%Y-%m-%d %H:%M})"
	base, number = title, 1
	while frappe.db.exists("Email Group", title):
		number += 1
		title = f"{base} {number}"
	group = frappe.get_doc({"doctype": "Email Group", "title": title}).insert()
	now = now_datetime()
	user = frappe.session.user
	frappe.db.bulk_insert(
		"Email Group Member",
		["name", "email_group", "email", "unsubscribed", "creation", "modified", "owner", "modified_by"],
		[(frappe.generate_hash(length=10), group.name, email, 0, now, now, user, user) for email in emails],
	)
	group.update_total_subscribers()
	return group.name


def sender_email() -> str:
	"""The default outgoing account's address, else the user's."""
	account = frappe.db.get_value(
		"Email Account", {"default_outgoing": 1, "enable_outgoing": 1}, "email_id"
	) or frappe.db.get_value("Email Account", {"enable_outgoing": 1}, "email_id")
	return account or frappe.db.get_value("User", frappe.session.user, "email") or "admin@example.com"


def left_out_text(left_out: dict) -> str:
	labels = {
		consent.NO_CONSENT: _("{0} without marketing consent"),
		consent.NO_EMAIL: _("{0} without an email address"),
		consent.UNSUBSCRIBED: _("{0} unsubscribed"),
	}
	parts = [labels[reason].format(count) for reason, count in left_out.items() if count]
	return ", ".join(parts) or _("no contacts")
