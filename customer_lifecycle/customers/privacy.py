"""A customer's data rights: anonymization, the delete guard, marketing consent, and the records
Frappe's Personal Data Download and Deletion Requests cover (hooks.py `user_data_fields`).

Anonymizing is the workflow's move into Customer Lifecycle Settings' anonymized state, made only by
`customer_lifecycle.api.privacy.anonymize` after the customer's name was typed to confirm it
(`validate_anonymize` refuses the move any other way). Right after the move, in the same
transaction, `scrub` removes the customer's personal data wherever the app and Frappe keep it:

- the Customer's own fields (its name becomes "Anonymized <id>"; the id names nobody);
- its Contacts and Addresses: deleted for good when linked to nothing else, otherwise only unlinked;
- the portal logins of those contacts (website users who are no other contact): deleted, and every
  mention of them as who made or changed a record replaced by Guest;
- Customer Notes, Customer Flags, the reasons of its lifecycle changes, onboarding answers and
  attachments, ToDo descriptions, Communications (and their queued emails), Comments, attachments
  (File records and their files on disk), Version history, notification, activity and access logs,
  tags, global search rows, and Deleted Documents that held copies of its records;
- any other record that links to the customer (invoices, payments, engagements ...): free text is
  blanked and attachments deleted; amounts, dates and states stay for accounting.

What stays is the customer's id, type, category, lifecycle (with dates) and its accounting figures,
plus one log entry that names no personal data.

Deleting a customer (`check_delete`) is for records nobody relies on: a customer that other records
link to (invoices, payments, engagements) cannot be deleted, and the error offers Archive instead.
The records that belong to the customer (lifecycle log, notes, flags, onboarding rounds, rates) go
with it.
"""

from contextlib import contextmanager

import frappe
from frappe import _
from frappe.model import workflow as frappe_workflow
from frappe.model.rename_doc import get_link_fields
from frappe.query_builder.functions import Replace
from frappe.utils import escape_html, now_datetime

from customer_lifecycle.customers import completeness, contacts, duplicates, flags
from customer_lifecycle.lifecycle import engine
from customer_lifecycle.lifecycle.rules import find_transition
from customer_lifecycle.utils.normalize import normalize_text

CUSTOMER = engine.CUSTOMER
STATE_FIELD = engine.STATE_FIELD
NOTE = "Customer Note"
FLAG = "Customer Flag"
CHECKLIST = "Onboarding Checklist"
CHECKLIST_ITEM = "Onboarding Checklist Item"
CHANGE_LOG = engine.CHANGE_LOG
# what replaces removed text where a value is required (stored data: not translated)
REDACTED = "[removed]"
# the Customer's personal fields, emptied on anonymization (the name is replaced, not emptied)
PERSONAL_FIELDS = (
	"email",
	"phone",
	"id_number",
	"notes",
	*(f for f in contacts.LINE_FIELDS if f != "country"),
)
# records that belong to a customer: scrubbed by name here, deleted with a deleted customer
# (onboarding rounds are deleted by checklists.on_customer_trash)
OWN_DOCTYPES = (CHANGE_LOG, NOTE, FLAG, CHECKLIST)
# records of other modules that go with a deleted customer, when their DocType exists
CASCADE_DOCTYPES = ("Customer Rate",)
# field types of free text, blanked in other records that link to an anonymized customer
FREE_TEXT = frozenset(
	{"Data", "Small Text", "Text", "Long Text", "Text Editor", "HTML Editor", "Markdown Editor"}
)
COMMUNICATION_FIELDS = ("sender", "sender_full_name", "recipients", "cc", "bcc", "phone_no", "text_content")
# shorter strings are not searched for in free text: they would match unrelated words
MIN_TRACE_LENGTH = 4


class AnonymizeConfirmationError(frappe.ValidationError):
	"""The move into the anonymized state was not confirmed by typing the customer's name."""


class CustomerHasRecordsError(frappe.LinkExistsError):
	"""A customer that other records link to cannot be deleted (archive it instead)."""


# --- anonymize: the workflow move ---------------------------------------------------------------


def anonymized_state() -> str | None:
	return engine.get_settings().anonymized_state


def anonymous_name(customer: str) -> str:
	"""The name an anonymized customer keeps: its id, which names nobody."""
	return f"Anonymized {customer}"


def is_anonymized(customer: str) -> bool:
	state = anonymized_state()
	return bool(state) and frappe.db.get_value(CUSTOMER, customer, STATE_FIELD) == state


def anonymize_action(doc) -> str | None:
	"""The workflow action that anonymizes this customer now, if the current user may apply it."""
	state = anonymized_state()
	if not state or doc.get(STATE_FIELD) == state:
		return None
	user = frappe.session.user
	for transition in frappe_workflow.get_transitions(doc):
		if transition.next_state == state and frappe_workflow.has_approval_access(user, doc, transition):
			return transition.action
	return None


def check_can_anonymize(doc) -> str:
	"""The action to apply; otherwise say why this customer cannot be anonymized by this user now."""
	action = anonymize_action(doc)
	if action:
		return action
	state, current = anonymized_state(), doc.get(STATE_FIELD)
	workflow = engine.get_workflow()
	if state and workflow and current != state and find_transition(workflow.transitions, current, state):
		frappe.throw(
			_("You are not allowed to anonymize {0}.").format(frappe.bold(doc.name)),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	frappe.throw(
		_("{0} is {1}: the lifecycle workflow does not anonymize a customer from this state.").format(
			frappe.bold(doc.name), frappe.bold(_(current))
		),
		engine.LifecycleTransitionError,
		title=_("Anonymize"),
	)


def check_confirmation(doc, confirm_name: str | None) -> None:
	"""The name typed to confirm must be the customer's name (spaces and case aside)."""

	def clean(value):
		return (normalize_text(value) or "").casefold()

	if not clean(confirm_name) or clean(confirm_name) != clean(doc.customer_name):
		frappe.throw(
			_(
				"{0}: type the customer's name, {1}, exactly to confirm that its personal data is removed for good."
			).format(frappe.bold(_("Confirm Name")), frappe.bold(escape_html(doc.customer_name))),
			AnonymizeConfirmationError,
			title=_("Anonymize"),
		)


@contextmanager
def flag(name: str, value):
	"""Set frappe.flags.<name> for the block, then restore it."""
	previous = frappe.flags.get(name)
	frappe.flags[name] = value
	try:
		yield
	finally:
		frappe.flags[name] = previous


def confirmed(customer: str):
	"""Mark the save inside the block as the confirmed anonymization of this customer."""
	return flag("anonymizing", customer)


def validate_anonymize(doc) -> None:
	"""Customer.validate: the move into the anonymized state happens only through the app's
	`anonymize` (the name typed to confirm, the personal data removed right after), never through
	the desk's action menu, a bulk action or the REST API alone; and an anonymized customer is given
	no personal data again."""
	state = anonymized_state()
	if not state or doc.is_new() or doc.get(STATE_FIELD) != state:
		return
	before = doc.get_doc_before_save()
	if not before:
		return
	if before.get(STATE_FIELD) != state:
		if frappe.flags.get("anonymizing") != doc.name:
			frappe.throw(
				_(
					"{0} removes the customer's personal data for good. Use {1} on the customer's form and type its name to confirm."
				).format(frappe.bold(_(state)), frappe.bold(_("Anonymize"))),
				AnonymizeConfirmationError,
				title=_("Anonymize"),
			)
		return
	changed = [f for f in ("customer_name", *PERSONAL_FIELDS) if doc.get(f) and doc.get(f) != before.get(f)]
	if changed:
		frappe.throw(
			_("{0} is anonymized: {1} cannot be set again.").format(
				frappe.bold(doc.name), ", ".join(frappe.bold(_(doc.meta.get_label(f))) for f in changed)
			),
			frappe.ValidationError,
			title=_("Anonymized"),
		)


def anonymized_reason() -> str:
	"""The reason recorded with the anonymizing lifecycle change: it names no personal data."""
	return _("Personal data anonymized")


# --- anonymize: removing the personal data ------------------------------------------------------


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
	scrub_todos(related["ToDo"])
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
	for doctype in (NOTE, FLAG, CHECKLIST):
		related[doctype] = frappe.get_all(doctype, filters={"customer": customer}, pluck="name")
	related["ToDo"] = frappe.get_all(
		"ToDo", filters={"reference_type": CUSTOMER, "reference_name": customer}, pluck="name"
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
	with flag("deleting_customer", customer):
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
	frappe.db.set_value(
		"Dynamic Link",
		{"link_doctype": CUSTOMER, "link_name": customer},
		"link_title",
		name,
		update_modified=False,
	)
	frappe.db.set_value(
		"Tag Link",
		{"document_type": CUSTOMER, "document_name": customer},
		"title",
		name,
		update_modified=False,
	)


def linking_doctypes() -> list[dict]:
	"""The (non-single) DocTypes with a Link field to Customer, other than the customer's own records:
	[{parent, fieldname}] (Frappe's own list, the one its delete check uses). Frappe keeps that list
	for the rest of the request; it is read afresh here, so a DocType added meanwhile counts too."""
	(frappe.flags.link_fields or {}).pop(CUSTOMER, None)
	return [
		row
		for row in get_link_fields(CUSTOMER)
		if not row.get("issingle") and row["parent"] not in (CUSTOMER, *OWN_DOCTYPES)
	]


def linked_records(customer: str, links: list[dict] | None = None) -> dict[str, list[str]]:
	"""Records of other DocTypes that link to the customer, by DocType (child rows count as their
	parent document)."""
	found: dict[str, set] = {}
	for row in links if links is not None else linking_doctypes():
		meta = frappe.get_meta(row["parent"])
		if meta.istable:
			for parent, parenttype in frappe.get_all(
				row["parent"],
				filters={row["fieldname"]: customer},
				fields=["parent", "parenttype"],
				as_list=True,
			):
				found.setdefault(parenttype, set()).add(parent)
		else:
			names = frappe.get_all(row["parent"], filters={row["fieldname"]: customer}, pluck="name")
			if names:
				found.setdefault(row["parent"], set()).update(names)
	return {doctype: sorted(names) for doctype, names in found.items()}


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
		"portal_logins": _("portal logins"),
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


# --- delete protection --------------------------------------------------------------------------


def check_delete(doc) -> None:
	"""Customer.on_trash (before its contacts go): a customer that other records link to (invoices,
	payments, engagements ...) cannot be deleted; the error offers Archive instead. Otherwise the
	records that belong to it go with it: lifecycle log, notes, flags and rates (onboarding rounds:
	checklists.on_customer_trash)."""
	linked = linked_records(doc.name)
	blocking = {doctype: names for doctype, names in linked.items() if doctype not in CASCADE_DOCTYPES}
	if blocking:
		throw_has_records(doc, blocking)
	frappe.db.delete(CHANGE_LOG, {"customer": doc.name})
	own = {
		doctype: frappe.get_all(doctype, filters={"customer": doc.name}, pluck="name")
		for doctype in (NOTE, FLAG)
	}
	for doctype, names in {**own, **linked}.items():
		for name in names:
			frappe.delete_doc(doctype, name, ignore_permissions=True, force=True)


def throw_has_records(doc, blocking: dict[str, list[str]]) -> None:
	records = ", ".join(f"{len(names)} {_(doctype)}" for doctype, names in sorted(blocking.items()))
	message = _(
		"{0} cannot be deleted because other records link to it: {1}. They are kept for accounting."
	).format(frappe.bold(escape_html(f"{doc.customer_name} ({doc.name})")), records)
	if doc.archived:
		frappe.throw(
			message + " " + _("It is archived already: it stays out of the default list."),
			CustomerHasRecordsError,
			title=_("Cannot Delete"),
		)
	frappe.throw(
		message + " " + _("Archive it instead: it leaves the default list and keeps all its records."),
		CustomerHasRecordsError,
		title=_("Cannot Delete"),
		primary_action={
			"label": _("Archive"),
			"client_action": "customer_lifecycle.privacy.archive",
			"args": {"customer": doc.name},
		},
	)


# --- marketing consent --------------------------------------------------------------------------


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
	"""Whether reminders and bulk emails may go to a Contact, or to a Customer (through its primary
	contact): it has an email address, gave marketing consent, did not unsubscribe (Frappe's
	`unsubscribed` on the Contact, or a global Email Unsubscribe of the address), and the customer is
	not anonymized. Accepts a name or a document."""
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
