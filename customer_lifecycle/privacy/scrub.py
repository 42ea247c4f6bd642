"""Removing an anonymized customer's personal data wherever the app and Frappe keep it:

- the Customer's own fields (its name becomes "Anonymized <id>"; the id names nobody);
- its Contacts and Addresses: deleted for good when linked to nothing else, otherwise only unlinked;
- the portal logins of those contacts (website users who are no other contact): deleted, and every
  mention of them as who made or changed a record replaced by Guest;
- Customer Notes, Customer Flags, the reasons of its lifecycle changes, onboarding answers and
  attachments, information requests' messages, answers and documents, the Events it takes part in (its
  service visits), ToDo descriptions, Communications (and their queued emails), Comments, attachments
  (File records and their files on disk), Version history, notification, activity and access logs,
  tags, global search rows, and Deleted Documents that held copies of its records;
- its generated documents and their PDFs: deleted;
- any other record that links to the customer (invoices, payments, engagements ...): free text is
  blanked and attachments deleted; amounts, dates and states stay for accounting.

What stays is the customer's id, type, category, lifecycle (with dates) and its accounting figures,
plus one log entry that names no personal data.
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Replace
from frappe.utils import escape_html, now_datetime

from customer_lifecycle.customers import completeness, contacts, duplicates, flags
from customer_lifecycle.privacy.records import (
	PERSONAL_FIELDS,
	anonymized_reason,
	anonymized_state,
	anonymous_name,
	linked_records,
	linking_doctypes,
)
from customer_lifecycle.utils.doctypes import (
	CHANGE_LOG,
	CHECKLIST,
	CHECKLIST_ITEM,
	CUSTOMER,
	FLAG,
	GENERATED_DOCUMENT,
	NOTE,
	REQUEST,
	REQUEST_ITEM,
	REQUEST_REMINDER,
)
from customer_lifecycle.utils.flags import temporary_flag

# what replaces removed text where a value is required (stored data: not translated)
REDACTED = "[removed]"


# field types of free text, blanked in other records that link to an anonymized customer
FREE_TEXT = frozenset(
	{"Data", "Small Text", "Text", "Long Text", "Text Editor", "HTML Editor", "Markdown Editor"}
)


COMMUNICATION_FIELDS = ("sender", "sender_full_name", "recipients", "cc", "bcc", "phone_no", "text_content")


# shorter strings are not searched for in free text: they would match unrelated words
MIN_TRACE_LENGTH = 4


def scrub(customer: str) -> dict:
	"""Remove an (already anonymized) customer's personal data everywhere; returns what was done,
	as counts by kind, for the log entry. Runs in the caller's transaction."""
	traces = personal_values(customer)
	related = related_records(customer)
	# emails from or to its own contacts are about the customer too
	own_contacts = split_linked("Contact", customer)[0]
	related["Communication"] = sorted(
		{*related["Communication"], *communications_of("Contact", own_contacts)}
	)
	done = {}
	links = linking_doctypes()
	linked = linked_records(customer, links)
	# generated documents are copies of its personal data: they go, with their PDFs
	done["documents"] = delete_generated_documents(linked.pop(GENERATED_DOCUMENT, []))
	# attachments first: deleting a File comments on the record it was attached to; those of other
	# linked records (an engagement's documents, an invoice's PDF) name the customer too
	done["files"] = delete_files({**related, **linked})
	done["communications"] = scrub_communications(customer, related, own_contacts)
	logins = portal_logins(own_contacts)
	done["contacts"], done["addresses"] = remove_contacts_and_addresses(customer, traces)
	done["portal_logins"] = remove_logins(logins)
	done["notes"] = scrub_notes(related[NOTE])
	done["flags"] = scrub_flags(related[FLAG])
	scrub_lifecycle_reasons(customer)
	scrub_onboarding(customer, related[CHECKLIST])
	scrub_requests(customer, related[REQUEST])
	scrub_todos(related["ToDo"])
	done["events"] = scrub_events(related["Event"])
	scrub_customer(customer)
	done["other_records"] = scrub_linked_records(customer, linked, links)
	scrub_logs(customer, related, traces)
	frappe.clear_document_cache(CUSTOMER, customer)
	log_anonymization(customer, done)
	return done


def personal_values(customer: str) -> list[str]:
	"""The strings that identify a customer: its name, email, phone and ID number, and those of the
	contacts that go with it. They are removed from free text that mentions the customer."""
	values = set(frappe.db.get_value(CUSTOMER, customer, ["customer_name", "email", "phone", "id_number"]))
	own, _shared = split_linked("Contact", customer)
	if own:
		for row in frappe.get_all(
			"Contact",
			filters={"name": ("in", own)},
			fields=["full_name", "email_id", "phone", "mobile_no"],
			as_list=True,
		):
			values.update(row)
		for child, field in (("Contact Email", "email_id"), ("Contact Phone", "phone")):
			values.update(
				frappe.get_all(child, filters={"parent": ("in", own), "parenttype": "Contact"}, pluck=field)
			)
	return sorted((v for v in values if v and len(str(v).strip()) >= MIN_TRACE_LENGTH), key=len, reverse=True)


def related_records(customer: str) -> dict[str, list[str]]:
	"""The records about a customer whose text, files, comments and history are its personal data,
	by DocType (the customer itself included)."""
	related = {CUSTOMER: [customer]}
	for doctype in (NOTE, FLAG, CHECKLIST, REQUEST):
		related[doctype] = frappe.get_all(doctype, filters={"customer": customer}, pluck="name")
	# Frappe's Events it takes part in (its service visits: site address and access contact)
	related["Event"] = frappe.get_all(
		"Event Participants",
		filters={"parenttype": "Event", "reference_doctype": CUSTOMER, "reference_docname": customer},
		pluck="parent",
	)
	related["ToDo"] = frappe.get_all(
		"ToDo", filters={"reference_type": CUSTOMER, "reference_name": customer}, pluck="name"
	)
	if related["Event"]:
		related["ToDo"] += frappe.get_all(
			"ToDo",
			filters={"reference_type": "Event", "reference_name": ("in", related["Event"])},
			pluck="name",
		)
	related["Communication"] = communications_of(CUSTOMER, [customer])
	return related


def communications_of(doctype: str, names: list[str]) -> list[str]:
	"""Communications referencing the records or linked to them in their timeline."""
	if not names:
		return []
	found = set(
		frappe.get_all(
			"Communication",
			filters={"reference_doctype": doctype, "reference_name": ("in", names)},
			pluck="name",
		)
	)
	found |= set(
		frappe.get_all(
			"Communication Link",
			filters={"parenttype": "Communication", "link_doctype": doctype, "link_name": ("in", names)},
			pluck="parent",
		)
	)
	return sorted(found)


def delete_files(related: dict[str, list[str]]) -> int:
	"""Delete the attachments of the customer and its records, their files on disk with them."""
	count = 0
	for doctype, names in related.items():
		if not names:
			continue
		for name in frappe.get_all(
			"File",
			filters={"attached_to_doctype": doctype, "attached_to_name": ("in", names), "is_folder": 0},
			pluck="name",
		):
			frappe.delete_doc("File", name, force=True, ignore_permissions=True, delete_permanently=True)
			count += 1
	return count


def delete_queued_emails(doctype: str, names: list[str]) -> None:
	"""The queued emails about these records (their text names the customer), with their recipients."""
	queued = frappe.get_all(
		"Email Queue", filters={"reference_doctype": doctype, "reference_name": ("in", names)}, pluck="name"
	)
	if queued:
		frappe.db.delete("Email Queue Recipient", {"parent": ("in", queued)})
		frappe.db.delete("Email Queue", {"name": ("in", queued)})


def delete_generated_documents(names: list[str]) -> int:
	"""Delete the customer's generated documents for good, and the emails that sent them; each takes
	its PDF with it (its on_trash)."""
	if not names:
		return 0
	delete_queued_emails(GENERATED_DOCUMENT, names)
	for name in names:
		frappe.delete_doc(
			GENERATED_DOCUMENT, name, force=True, ignore_permissions=True, delete_permanently=True
		)
	return len(names)


def split_linked(doctype: str, customer: str) -> tuple[list[str], list[str]]:
	"""A customer's Contacts (or Addresses): (linked to this customer only, also linked elsewhere)."""
	names = contacts.linked_names(doctype, customer)
	if not names:
		return [], []
	link = frappe.qb.DocType("Dynamic Link")
	elsewhere = {
		row[0]
		for row in frappe.qb.from_(link)
		.select(link.parent)
		.where(
			(link.parenttype == doctype)
			& (link.parentfield == "links")
			& link.parent.isin(names)
			& ((link.link_doctype != CUSTOMER) | (link.link_name != customer))
		)
		.run()
	}
	return [n for n in names if n not in elsewhere], [n for n in names if n in elsewhere]


def remove_contacts_and_addresses(customer: str, traces: list[str]) -> tuple[int, int]:
	"""Contacts and Addresses linked only to this customer are deleted for good (with their comments
	and history); those also linked elsewhere keep their data and lose the link to this customer."""
	frappe.db.set_value(CUSTOMER, customer, dict.fromkeys(contacts.PRIMARY), update_modified=False)
	counts = []
	with temporary_flag("deleting_customer", customer):
		for doctype in ("Contact", "Address"):
			own, shared = split_linked(doctype, customer)
			forget(doctype, own)
			for name in own:
				frappe.delete_doc(doctype, name, force=True, ignore_permissions=True, delete_permanently=True)
			if shared:
				frappe.db.delete(
					"Dynamic Link",
					{
						"parenttype": doctype,
						"parent": ("in", shared),
						"link_doctype": CUSTOMER,
						"link_name": customer,
					},
				)
				# their history showed the link, with the customer's name as its title
				replace_in("Version", ("data",), traces, {"ref_doctype": doctype, "docname": ("in", shared)})
			counts.append(len(own))
	return counts[0], counts[1]


def portal_logins(own_contacts: list[str]) -> list[str]:
	"""The website logins of the contacts that go with the customer (portal users), unless the person
	is also a contact elsewhere. Staff logins are never among them."""
	if not own_contacts:
		return []
	users = set(
		frappe.get_all("Contact", filters={"name": ("in", own_contacts), "user": ("is", "set")}, pluck="user")
	)
	if not users:
		return []
	elsewhere = set(
		frappe.get_all(
			"Contact", filters={"user": ("in", users), "name": ("not in", own_contacts)}, pluck="user"
		)
	)
	return sorted(
		user
		for user in users - elsewhere
		if frappe.db.get_value("User", user, "user_type") not in (None, "System User")
	)


def remove_logins(users: list[str]) -> int:
	"""Delete portal logins for good, with their history, settings and queued emails, and leave no
	mention of them as who made or changed a record (Guest instead; links to them emptied)."""
	for user in users:
		frappe.delete_doc("User", user, force=True, ignore_permissions=True, delete_permanently=True)
		forget("User", [user])
		frappe.db.delete("DefaultValue", {"parent": user})
		# its notification settings go with it (kept as a Deleted Document), and errors about it
		frappe.db.delete("Deleted Document", {"deleted_name": user})
		frappe.db.delete("Error Log", {"reference_doctype": "User", "reference_name": user})
		queued = frappe.get_all("Email Queue Recipient", filters={"recipient": user}, pluck="parent")
		if queued:
			frappe.db.delete("Email Queue Recipient", {"parent": ("in", queued)})
			frappe.db.delete("Email Queue", {"name": ("in", queued)})
	if users:
		for table, column, replacement in user_columns():
			# SQL text: table and column names come from information_schema (user_columns); values are parameters
			frappe.db.sql(
				f"update `{table}` set `{column}` = %(to)s where `{column}` in %(users)s",
				{"to": replacement, "users": users},
			)
	return len(users)


def user_columns() -> list[tuple[str, str, str | None]]:
	"""(table, column, replacement) of every column that names a user: who made and last changed
	each record (becomes Guest), Link fields to User (emptied), and the email of a comment's author."""
	tables = set(frappe.db.get_tables())
	columns = [(table, column, "Guest") for table in sorted(tables) for column in ("owner", "modified_by")]
	links = frappe.get_all(
		"DocField", filters={"fieldtype": "Link", "options": "User"}, fields=["parent", "fieldname"]
	) + frappe.get_all(
		"Custom Field", filters={"fieldtype": "Link", "options": "User"}, fields=["dt as parent", "fieldname"]
	)
	columns += [(f"tab{row.parent}", row.fieldname, None) for row in links if f"tab{row.parent}" in tables]
	columns.append(("tabComment", "comment_email", None))
	existing = {
		(table, column)
		for table, column in frappe.db.sql(
			"select table_name, column_name from information_schema.columns where table_schema = database()"
		)
	}
	return [c for c in columns if (c[0], c[1]) in existing]


def forget(doctype: str, names: list[str]) -> None:
	"""Delete the comments, history, logs and search rows of records (Frappe deletes some of these
	after commit in a background job; here they go at once)."""
	if not names:
		return
	frappe.db.delete("Comment", {"reference_doctype": doctype, "reference_name": ("in", names)})
	frappe.db.delete("Version", {"ref_doctype": doctype, "docname": ("in", names)})
	frappe.db.delete("Activity Log", {"reference_doctype": doctype, "reference_name": ("in", names)})
	frappe.db.delete("Notification Log", {"document_type": doctype, "document_name": ("in", names)})
	frappe.db.delete("Tag Link", {"document_type": doctype, "document_name": ("in", names)})
	frappe.db.delete("__global_search", {"doctype": doctype, "name": ("in", names)})


def scrub_communications(customer: str, related: dict[str, list[str]], own_contacts: list[str]) -> int:
	"""Emails and other communications about the customer: subject and text replaced, addresses
	emptied, links to the contacts that go with the customer removed, queued emails deleted."""
	queued = set(
		frappe.get_all(
			"Email Queue", filters={"reference_doctype": CUSTOMER, "reference_name": customer}, pluck="name"
		)
	)
	names = related["Communication"]
	if names:
		queued |= set(frappe.get_all("Email Queue", filters={"communication": ("in", names)}, pluck="name"))
	if queued:
		frappe.db.delete("Email Queue Recipient", {"parent": ("in", list(queued))})
		frappe.db.delete("Email Queue", {"name": ("in", list(queued))})
	if not names:
		return 0
	if own_contacts:
		frappe.db.delete(
			"Communication Link",
			{"parenttype": "Communication", "link_doctype": "Contact", "link_name": ("in", own_contacts)},
		)
	frappe.db.set_value(
		"Communication",
		{"name": ("in", names)},
		{"subject": REDACTED, "content": REDACTED, **dict.fromkeys(COMMUNICATION_FIELDS)},
		update_modified=False,
	)
	frappe.db.set_value(
		"Communication Link",
		{"parenttype": "Communication", "link_doctype": CUSTOMER, "link_name": customer},
		"link_title",
		anonymous_name(customer),
		update_modified=False,
	)
	return len(names)


def scrub_notes(names: list[str]) -> int:
	if names:
		frappe.db.set_value(NOTE, {"name": ("in", names)}, "content", REDACTED, update_modified=False)
	return len(names)


def scrub_flags(names: list[str]) -> int:
	if names:
		frappe.db.set_value(
			FLAG,
			{"name": ("in", names)},
			{"reason": REDACTED, "resolution_note": None},
			update_modified=False,
		)
	return len(names)


def scrub_lifecycle_reasons(customer: str) -> None:
	"""Reasons are free text: all go (the anonymizing change gets its fixed reason back in the log)."""
	frappe.db.set_value(CHANGE_LOG, {"customer": customer}, "reason", None, update_modified=False)


def scrub_onboarding(customer: str, checklists: list[str]) -> None:
	"""Onboarding rounds: the customer's answers and attachments go; the items and ticks stay."""
	if not checklists:
		return
	frappe.db.set_value(
		CHECKLIST,
		{"name": ("in", checklists)},
		{"customer_name": anonymous_name(customer), "auto_move_error": None},
		update_modified=False,
	)
	frappe.db.set_value(
		CHECKLIST_ITEM,
		{"parenttype": CHECKLIST, "parent": ("in", checklists)},
		{"answer": None, "attachment": None},
		update_modified=False,
	)


def scrub_events(names: list[str]) -> int:
	"""Events it takes part in: what they say (subject, description, location) goes; when they were
	and their state stay."""
	if names:
		frappe.db.set_value(
			"Event",
			{"name": ("in", names)},
			{"subject": REDACTED, "description": None, "location": None},
			update_modified=False,
		)
	return len(names)


def scrub_requests(customer: str, requests: list[str]) -> None:
	"""Information requests: the message, the contact asked, the answers and documents (their files
	went with the other attachments) and the emails queued about them go; the items asked for,
	their ticks and the dates stay."""
	if not requests:
		return
	frappe.db.set_value(
		REQUEST,
		{"name": ("in", requests)},
		{"customer_name": anonymous_name(customer), "message": None, "contact": None, "contact_email": None},
		update_modified=False,
	)
	delete_queued_emails(REQUEST, requests)
	frappe.db.set_value(
		REQUEST_ITEM,
		{"parenttype": REQUEST, "parent": ("in", requests)},
		{"answer": None, "attachment": None},
		update_modified=False,
	)
	frappe.db.set_value(
		REQUEST_REMINDER,
		{"parenttype": REQUEST, "parent": ("in", requests)},
		"sent_to",
		None,
		update_modified=False,
	)


def scrub_todos(names: list[str]) -> None:
	if names:
		frappe.db.set_value("ToDo", {"name": ("in", names)}, "description", REDACTED, update_modified=False)


def scrub_customer(customer: str) -> None:
	"""The Customer's own fields (after its contacts and addresses went: they copy lines back)."""
	name = anonymous_name(customer)
	frappe.db.set_value(
		CUSTOMER,
		customer,
		{
			"customer_name": name,
			"name_key": duplicates.name_key(name) or None,
			**dict.fromkeys(PERSONAL_FIELDS),
			**dict.fromkeys(contacts.PRIMARY),
		},
		update_modified=False,
	)
	# the flag headline is the (now removed) reason of its most severe flag
	flags.refresh_customer(customer)
	completeness.refresh(customer)
	# the title Frappe keeps of the customer where it links to it (Dynamic Link) and on its tags
	for doctype, linked_by, title in (
		("Dynamic Link", {"link_doctype": CUSTOMER, "link_name": customer}, "link_title"),
		("Tag Link", {"document_type": CUSTOMER, "document_name": customer}, "title"),
	):
		frappe.db.set_value(doctype, linked_by, title, name, update_modified=False)


def scrub_linked_records(customer: str, linked: dict[str, list[str]], links: list[dict]) -> int:
	"""Other records that link to the customer (invoices, payments, engagements ...): values fetched
	from the customer are fetched again, other free text is blanked (required text becomes
	"[removed]"); amounts, dates, states and links stay."""
	count = 0
	customer_values = frappe.db.get_value(CUSTOMER, customer, "*", as_dict=True)
	for doctype, names in linked.items():
		link_fields = {row["fieldname"] for row in links if row["parent"] == doctype}
		blank_free_text(doctype, names, link_fields, customer_values)
		count += len(names)
	return count


def blank_free_text(doctype: str, names: list[str], link_fields: set, customer_values: dict) -> None:
	meta = frappe.get_meta(doctype)
	values = {}
	for df in meta.fields:
		source, _dot, fetched = (df.fetch_from or "").partition(".")
		if source in link_fields and fetched:
			values[df.fieldname] = customer_values.get(fetched)
		elif df.fieldtype in FREE_TEXT and not (df.read_only or df.hidden):
			values[df.fieldname] = REDACTED if df.reqd else None
	if values:
		frappe.db.set_value(doctype, {"name": ("in", names)}, values, update_modified=False)
	for table in meta.get_table_fields():
		rows = frappe.get_all(
			table.options, filters={"parenttype": doctype, "parent": ("in", names)}, pluck="name"
		)
		if rows:
			blank_free_text(table.options, rows, set(), {})
	forget_history(doctype, names)


def forget_history(doctype: str, names: list[str]) -> None:
	"""Versions hold old values; comments and notifications may quote them."""
	frappe.db.delete("Version", {"ref_doctype": doctype, "docname": ("in", names)})
	# workflow comments only name the state moved to
	frappe.db.set_value(
		"Comment",
		{"reference_doctype": doctype, "reference_name": ("in", names), "comment_type": ("!=", "Workflow")},
		{"content": REDACTED, "subject": None},
		update_modified=False,
	)
	frappe.db.delete("Notification Log", {"document_type": doctype, "document_name": ("in", names)})
	frappe.db.delete("Activity Log", {"reference_doctype": doctype, "reference_name": ("in", names)})
	frappe.db.delete("__global_search", {"doctype": doctype, "name": ("in", names)})
	if frappe.get_meta(doctype).istable:
		return
	frappe.db.set_value(doctype, {"name": ("in", names)}, "_comments", None, update_modified=False)


def scrub_logs(customer: str, related: dict[str, list[str]], traces: list[str]) -> None:
	"""History, comments and logs of the customer and its records."""
	for doctype, names in related.items():
		if names:
			forget_history(doctype, names)
	frappe.db.delete("Activity Log", {"timeline_doctype": CUSTOMER, "timeline_name": customer})
	frappe.db.set_value(
		"Access Log",
		{"reference_document": customer},
		{"page": None, "columns": None, "filters": None},
		update_modified=False,
	)
	frappe.db.delete("Email Unsubscribe", {"reference_doctype": CUSTOMER, "reference_name": customer})
	emails = [t for t in traces if "@" in t]
	if emails:
		frappe.db.delete("Email Unsubscribe", {"email": ("in", emails)})
	# copies of the customer's records deleted earlier (a note, a contact ...)
	deleted = frappe.qb.DocType("Deleted Document")
	frappe.qb.from_(deleted).delete().where(deleted.data.like(f'%"{customer}"%')).run()
	# text elsewhere that mentions the customer: comments on other customers (a duplicate or a
	# merge named it), the feed of deleted records (named after the person), notifications that
	# listed it among others, error logs that quote its values
	replace_in("Comment", ("content", "subject"), traces, {"content": ("like", f"%{customer}%")})
	for trace in traces:
		replace_in(
			"Comment", ("subject",), [trace], {"comment_type": "Deleted", "subject": ("like", f"%{trace}%")}
		)
		replace_in(
			"Notification Log", ("subject", "email_content"), [trace], {"subject": ("like", f"%{trace}%")}
		)
		replace_in("Error Log", ("error",), [trace], {"error": ("like", f"%{trace}%")})


def replace_in(doctype: str, fields: tuple[str, ...], traces: list[str], filters: dict) -> None:
	"""Replace each trace with "[removed]" in the fields of the matching records."""
	if not traces:
		return
	table = frappe.qb.DocType(doctype)
	names = frappe.get_all(doctype, filters=filters, pluck="name")
	if not names:
		return
	query = frappe.qb.update(table).where(table.name.isin(names))
	for field in fields:
		value = table[field]
		for trace in traces:
			value = Replace(value, trace, REDACTED)
		query = query.set(table[field], value)
	query.run()


def log_anonymization(customer: str, done: dict) -> None:
	"""The log entry: the anonymizing change keeps its fixed reason; a comment says what was
	removed, in counts (no personal data)."""
	state = anonymized_state()
	change = frappe.get_all(
		CHANGE_LOG,
		filters={"customer": customer, "to_state": state},
		pluck="name",
		order_by="changed_on desc",
		limit=1,
	)
	if change:
		frappe.db.set_value(CHANGE_LOG, change[0], "reason", anonymized_reason(), update_modified=False)
	labels = {
		"files": _("files"),
		"communications": _("communications"),
		"contacts": _("contacts"),
		"addresses": _("addresses"),
		"notes": _("notes"),
		"flags": _("flags"),
		"events": _("events"),
		"portal_logins": _("portal logins"),
		"documents": _("generated documents"),
		"other_records": _("other linked records"),
	}
	summary = ", ".join(f"{count} {labels.get(kind, kind)}" for kind, count in done.items())
	frappe.get_doc(
		{
			"doctype": "Comment",
			"comment_type": "Info",
			"reference_doctype": CUSTOMER,
			"reference_name": customer,
			"content": _("Personal data anonymized by {0} on {1}. Removed or replaced: {2}").format(
				escape_html(frappe.utils.get_fullname(frappe.session.user)),
				now_datetime().strftime("%Y-%m-%d %H:%M"),
				summary,
			),
		}
	).insert(ignore_permissions=True)
