"""What the customer provides: answers and documents for the items a customer's people are asked
for, on an onboarding checklist (its "customer provides" items) and on an information request. One
mechanism for both, whether the answer comes from the portal, a request's one-time link or the desk:

- `answer` stores an answer and `attach` a document, each marking the item provided (`done`); an
  empty answer, with no document, takes it back. The parent's row is locked, so concurrent answers
  apply one after the other, and the parent saves through its controller (which stamps who provided
  what with `stamp`, and moves the status on);
- `locate` finds an item's parent and customer, and whether it takes answers now, for the callers
  to check the item is the asker's before answering.

A document is a private file attached to the parent, in the customer's folder, owned by whoever
uploaded it.
"""

import os

import frappe
from frappe import _
from frappe.utils import escape_html, now_datetime

from customer_lifecycle.customers.files import ensure_folder
from customer_lifecycle.onboarding import rules
from customer_lifecycle.utils.doctypes import CHECKLIST, CHECKLIST_ITEM, REQUEST, REQUEST_ITEM
from customer_lifecycle.utils.uploads import check_upload

ANSWER = "answer"
DOCUMENT = "document"
# an information request's items are of one kind each
QUESTION_KIND = "Question"
DOCUMENT_KIND = "Document"
# the parents whose items a customer provides, and their item tables
PARENTS = {CHECKLIST: CHECKLIST_ITEM, REQUEST: REQUEST_ITEM}


# --- finding an item -------------------------------------------------------------------------


def locate(item: str | None) -> frappe._dict | None:
	"""An item the customer may be asked for: {doctype, parent, customer, shown, for_customer, open},
	or None when no checklist or request holds it. `shown`: the customer sees it (a request's draft
	is the staff's); `for_customer`: the customer provides it (a checklist's items may be the firm's
	own); `open`: its parent takes answers now (the customer's running onboarding round; a sent
	request that is not complete)."""
	if not item:
		return None
	for doctype, child in PARENTS.items():
		parent = frappe.db.get_value(child, {"name": item, "parenttype": doctype}, "parent")
		if parent:
			break
	else:
		return None
	if doctype == CHECKLIST:
		# a customer's running round is the one that has not ended
		checklist = frappe.db.get_value(CHECKLIST, parent, ["customer", "ended_on"], as_dict=True)
		return frappe._dict(
			doctype=doctype,
			parent=parent,
			customer=checklist.customer,
			shown=True,
			for_customer=bool(frappe.db.get_value(CHECKLIST_ITEM, item, "customer_provides")),
			open=not checklist.ended_on,
		)
	request = frappe.db.get_value(REQUEST, parent, ["customer", "status"], as_dict=True)
	return frappe._dict(
		doctype=doctype,
		parent=parent,
		customer=request.customer,
		shown=request.status != rules.DRAFT,
		for_customer=True,
		open=request.status in rules.OPEN_STATUSES,
	)


def locked(doctype: str, name: str):
	"""The parent, its row locked until the transaction ends."""
	return frappe.get_doc(doctype, name, for_update=True)


def row_of(doc, item: str):
	row = next((r for r in doc.items if r.name == item), None)
	if not row:
		frappe.throw(
			_("{0}: {1} is not on this {2}.").format(
				_("Item"), frappe.bold(escape_html(item)), _(doc.doctype).lower()
			),
			frappe.DoesNotExistError,
		)
	return row


def takes(row, what: str) -> bool:
	"""Whether the customer gives this item an answer (ANSWER) or a document (DOCUMENT): any item of
	a checklist's the customer provides; a request's question an answer, its document a file."""
	if row.doctype == CHECKLIST_ITEM:
		return bool(row.customer_provides)
	return row.kind == (QUESTION_KIND if what == ANSWER else DOCUMENT_KIND)


def check_takes(row, what: str) -> None:
	if takes(row, what):
		return
	if row.doctype == CHECKLIST_ITEM:
		message = _("{0}: {1} is not an item the customer provides, so it takes no answer.")
	elif what == ANSWER:
		message = _("{0}: {1} asks for a document; upload it instead.")
	else:
		message = _("{0}: {1} is a question; answer it in words instead.")
	label = _("Answer") if what == ANSWER else _("Document")
	frappe.throw(message.format(label, frappe.bold(escape_html(row.title))), frappe.ValidationError)


def provided(row) -> bool:
	return bool(row.answer or row.attachment)


# --- answering -------------------------------------------------------------------------------


def answer(doctype: str, name: str, item: str, text: str | None, ignore_permissions: bool = False):
	"""Store the customer's answer to an item; it marks the item provided, an empty one takes that
	back unless a document was given. Returns the saved parent."""
	doc = locked(doctype, name)
	row = row_of(doc, item)
	check_takes(row, ANSWER)
	row.answer = (text or "").strip() or None
	row.done = 1 if provided(row) else 0
	return save(doc, ignore_permissions)


def attach(
	doctype: str, name: str, item: str, filename: str, content: bytes, ignore_permissions: bool = False
):
	"""Store a document for an item: a private file attached to the parent, in its customer's folder;
	it marks the item provided. Returns the saved parent."""
	check_upload(filename, content)
	doc = locked(doctype, name)
	row = row_of(doc, item)
	check_takes(row, DOCUMENT)
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": os.path.basename(filename),
			"content": content,
			"is_private": 1,
			"folder": ensure_folder(doc.customer),
			"attached_to_doctype": doctype,
			"attached_to_name": name,
			"attached_to_field": "attachment",
		}
	).insert(ignore_permissions=True)
	row.attachment = file.file_url
	row.done = 1
	return save(doc, ignore_permissions)


def save(doc, ignore_permissions: bool):
	# every link on these parents is set by the app or checked by its controller: nothing to look up
	doc.flags.ignore_links = True
	doc.save(ignore_permissions=ignore_permissions)
	return doc


def keep(doc, fields: tuple, item_fields: tuple, fixed_items: str | None = None) -> None:
	"""Parent.validate: a save (the form, REST) leaves `fields`, and each item's `item_fields`, as
	they were; with `fixed_items` (the refusal's message), no item is added or removed either."""
	before = doc.get_doc_before_save()
	if not before:
		return
	for fieldname in fields:
		doc.set(fieldname, before.get(fieldname))
	stored = {row.name: row for row in before.items}
	if fixed_items and {row.name for row in doc.items} != set(stored):
		frappe.throw(fixed_items)
	for row in doc.items:
		if row.name in stored:
			for fieldname in item_fields:
				row.set(fieldname, stored[row.name].get(fieldname))


def stamp(doc) -> None:
	"""Parent.validate: who provided (or ticked) each item and when; an item no longer provided
	forgets both."""
	before = doc.get_doc_before_save()
	stored = {row.name: row for row in before.items} if before else {}
	for row in doc.items:
		old = stored.get(row.name)
		if not row.done:
			row.done_by = row.done_on = None
		elif old and old.done:
			row.done_by, row.done_on = old.done_by, old.done_on
		else:
			row.done_by, row.done_on = frappe.session.user, now_datetime()
