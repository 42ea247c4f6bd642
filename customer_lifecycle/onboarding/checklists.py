"""Onboarding checklists: one Onboarding Checklist per customer per onboarding round.

- A customer entering the onboarding state (Customer Lifecycle Settings) starts a round: a checklist
  copied from the most specific enabled Onboarding Checklist Template (rules.choose_template), with
  due dates counted from that day. The customer's row is locked while the round is made and an open
  round is reused, and (customer, round) is a unique index, so concurrent or repeated saves never
  make two.
- Leaving the onboarding state ends the round (Completed, or Closed when required items were left).
- Ticking the last required item of an open round moves the customer to the state after onboarding
  through the workflow (`engine.move_to`, recorded as an automatic change). When the workflow
  refuses, nothing is forced: the checklist keeps the reason and the customer managers are told.
  Unticking later never moves a customer back.
- A daily job tells the responsible people about overdue items.
"""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import escape_html, get_fullname, getdate, now_datetime, nowdate, strip_html
from frappe.utils.user import get_users_with_role

from customer_lifecycle.lifecycle import engine
from customer_lifecycle.onboarding import items, rules
from customer_lifecycle.utils.doctypes import (
	CHECKLIST,
	CHECKLIST_ITEM,
	CUSTOMER,
	MANAGER_ROLE,
	STATE_FIELD,
	TEMPLATE,
)
from customer_lifecycle.utils.notify import notify

# the customers a daily overdue notification names (the rest are counted), and where it leads
DIGEST_CUSTOMERS = 10
RUNNING_ROUNDS = "/app/onboarding-checklist?status=In%20Progress"
# what a round copies from each template item
ITEM_FIELDS = (
	"title",
	"description",
	"required",
	"customer_provides",
	"responsible_role",
	"responsible_user",
)


# --- rounds ----------------------------------------------------------------------------------


def on_customer_update(doc) -> None:
	"""Customer.on_update: entering onboarding starts a round, leaving it ends the round."""
	settings = engine.get_settings()
	change = doc.flags.get("lifecycle_change")
	if change and change.from_state == settings.onboarding_state:
		end_rounds(doc.name)
	# a customer the app's automation creates straight into onboarding enters it too
	entered = change.to_state if change else (doc.get(STATE_FIELD) if doc.flags.in_insert else None)
	if entered and entered == settings.onboarding_state:
		start_round(doc)


def open_round(customer: str) -> str | None:
	"""The customer's running checklist (its round has not ended), if any."""
	return frappe.db.get_value(CHECKLIST, {"customer": customer, "ended_on": ("is", "not set")}, "name")


def rounds_of(customer: str) -> list:
	"""The customer's rounds (name, round, ended_on), read with a lock: the latest committed rows,
	not this transaction's first snapshot."""
	table = frappe.qb.DocType(CHECKLIST)
	return (
		frappe.qb.from_(table)
		.select(table.name, table.round, table.ended_on)
		.where(table.customer == customer)
		.for_update()
		.run(as_dict=True)
	)


def start_round(customer) -> str | None:
	"""Give the customer its checklist for this onboarding round, once: returns the checklist's
	name, or None when no template applies."""
	# Lock the customer's row (the customer's own save holds it already) so concurrent callers wait
	# here; the locking read below then sees the round the first one made and committed.
	frappe.db.get_value(CUSTOMER, customer.name, "name", for_update=True)
	rounds = rounds_of(customer.name)
	existing = next((r.name for r in rounds if not r.ended_on), None)
	if existing:
		return existing
	template = pick_template(customer.customer_type, customer.customer_category)
	if not template:
		return None
	checklist = frappe.get_doc(new_round(customer, template, max((r.round for r in rounds), default=0) + 1))
	# copied from a saved template, for the customer being saved: nothing to look up again
	checklist.flags.ignore_links = True
	# the unique (customer, round) index is the last guard: a round made meanwhile is reused
	frappe.db.savepoint("onboarding_round")
	messages = len(frappe.local.message_log)
	try:
		checklist.insert(ignore_permissions=True)
	except frappe.UniqueValidationError:
		frappe.db.rollback(save_point="onboarding_round")
		del frappe.local.message_log[messages:]
		return next((r.name for r in rounds_of(customer.name) if not r.ended_on), None)
	return checklist.name


def pick_template(customer_type: str | None, customer_category: str | None):
	templates = frappe.get_all(
		TEMPLATE, filters={"enabled": 1}, fields=["name", "customer_type", "customer_category", "is_default"]
	)
	return rules.choose_template(templates, customer_type, customer_category)


def new_round(customer, template, round_no: int) -> dict:
	"""The frappe.get_doc dict of a round copied from a template, due dates counted from today."""
	start = getdate(nowdate())
	items = frappe.get_all(
		"Onboarding Checklist Template Item",
		filters={"parent": template.name, "parenttype": TEMPLATE},
		fields=[*ITEM_FIELDS, "due_in_days"],
		order_by="idx asc",
	)
	return {
		"doctype": CHECKLIST,
		"customer": customer.name,
		"customer_name": customer.customer_name,
		"round": round_no,
		"template": template.name,
		"started_on": now_datetime(),
		"items": [
			{**{f: item[f] for f in ITEM_FIELDS}, "due_date": rules.due_date(start, item.due_in_days)}
			for item in items
		],
	}


def end_rounds(customer: str) -> None:
	"""The customer left onboarding: its running round ends, Completed or Closed."""
	for name in frappe.get_all(
		CHECKLIST, filters={"customer": customer, "ended_on": ("is", "not set")}, pluck="name"
	):
		items = frappe.get_all(
			CHECKLIST_ITEM, filters={"parent": name, "parenttype": CHECKLIST}, fields=["required", "done"]
		)
		frappe.db.set_value(
			CHECKLIST, name, {"ended_on": now_datetime(), "status": rules.ended_round_status(items)}
		)


# --- completion ------------------------------------------------------------------------------


def complete_round(checklist) -> None:
	"""Onboarding Checklist.on_update, when the last required item of a running round was ticked:
	move the customer on through the workflow, or record why the workflow refused and tell the
	managers."""
	settings = engine.get_settings()
	target = settings.onboarding_complete_state
	if frappe.db.get_value(CUSTOMER, checklist.customer, STATE_FIELD) != settings.onboarding_state:
		return
	frappe.db.savepoint("onboarding_complete")
	messages = len(frappe.local.message_log)
	try:
		checklist.flags.moved = engine.move_to(
			checklist.customer, target, reason=_("Onboarding checklist complete"), automatic=True
		)
	except frappe.ValidationError as e:
		# the move (and anything it wrote) is undone; the ticks stay
		frappe.db.rollback(save_point="onboarding_complete")
		del frappe.local.message_log[messages:]
		reason = strip_html(str(e)).strip() or _("The lifecycle workflow refused the move.")
		checklist.db_set("auto_move_error", reason)
		notify_refusal(checklist, target, reason)


def notify_refusal(checklist, target: str, reason: str) -> None:
	"""Tell the customer managers that a finished checklist could not move its customer on."""
	subject = _("Onboarding of {0} is complete, but it could not be moved to {1}: {2}").format(
		frappe.bold(escape_html(checklist.customer_name or checklist.customer)),
		frappe.bold(escape_html(_(target))),
		escape_html(reason),
	)
	notify(get_users_with_role(MANAGER_ROLE), subject, customer=checklist.customer)


# --- ticking ---------------------------------------------------------------------------------


def set_item_done(
	checklist: str, item: str, done: bool, answer: str | None = None, ignore_permissions: bool = False
) -> dict:
	"""Tick or untick one item (with the customer's answer, for items the customer provides), the
	checklist's row locked so concurrent ticks apply one after the other (items.py: the answers a
	customer gives go through there too)."""
	doc = items.locked(CHECKLIST, checklist)
	row = items.row_of(doc, item)
	if answer is not None:
		items.check_takes(row, items.ANSWER)
		row.answer = answer.strip() or None
	row.done = 1 if done else 0
	items.save(doc, ignore_permissions)
	return {
		"moved": bool(doc.flags.moved),
		STATE_FIELD: frappe.db.get_value(CUSTOMER, doc.customer, STATE_FIELD),
		"checklist": checklist_data(doc.name),
	}


# --- the form --------------------------------------------------------------------------------


def form_data(customer: str) -> dict:
	"""What the customer form's Onboarding tab shows: the running round while the customer is
	onboarding, and the finished rounds."""
	settings = engine.get_settings()
	onboarding = frappe.db.get_value(CUSTOMER, customer, STATE_FIELD) == settings.onboarding_state
	names = frappe.get_list(
		CHECKLIST,
		filters={"customer": customer},
		fields=["name", "ended_on"],
		order_by="`round` desc",
		limit_page_length=0,
	)
	current = next((r.name for r in names if not r.ended_on), None) if onboarding else None
	return {
		"onboarding": onboarding,
		"complete_state": settings.onboarding_complete_state,
		"current": checklist_data(current) if current else None,
		"rounds": [checklist_data(r.name) for r in names if r.name != current],
		"can_tick": bool(frappe.has_permission(CHECKLIST, "write")),
	}


def checklist_data(name: str) -> dict:
	doc = frappe.get_doc(CHECKLIST, name)
	today = getdate(nowdate())
	done, required = rules.required_counts(doc.items)
	items = []
	for row in doc.items:
		row.due_date = getdate(row.due_date) if row.due_date else None
		items.append(
			{
				"name": row.name,
				"title": row.title,
				"description": row.description,
				"required": row.required,
				"customer_provides": row.customer_provides,
				"responsible": get_fullname(row.responsible_user)
				if row.responsible_user
				else row.responsible_role,
				"due_date": row.due_date,
				"overdue": rules.is_overdue(row, today),
				"done": row.done,
				"done_by": row.done_by,
				"done_by_name": get_fullname(row.done_by) if row.done_by else None,
				"done_on": row.done_on,
				"answer": row.answer,
				"attachment": row.attachment,
			}
		)
	return {
		"name": doc.name,
		"round": doc.round,
		"status": doc.status,
		"progress": doc.progress,
		"template": doc.template,
		"started_on": doc.started_on,
		"completed_on": doc.completed_on,
		"ended_on": doc.ended_on,
		"auto_move_error": doc.auto_move_error,
		"required_done": done,
		"required_total": required,
		"items": items,
	}


# --- overdue items ---------------------------------------------------------------------------


def notify_overdue_items() -> None:
	"""Daily: each responsible person gets one notification listing their overdue items of running
	rounds, by customer (a notification per customer would flood the bell and cost a Notification
	Log, and an email, each)."""
	today = getdate(nowdate())
	rows = overdue_items(today)
	if not rows:
		return
	roles = {row.responsible_role for row in rows if row.responsible_role and not row.responsible_user}
	role_users = {role: get_users_with_role(role) for role in roles}
	managers = get_users_with_role(MANAGER_ROLE)
	by_user = defaultdict(lambda: defaultdict(list))
	for row in rows:
		for user in rules.recipients(row, role_users, managers):
			by_user[user][(row.customer, row.customer_name or row.customer)].append(row.title)
	for user, customers in by_user.items():
		notify_overdue(user, customers)
	frappe.db.set_value(
		CHECKLIST_ITEM,
		{"name": ("in", [row.name for row in rows])},
		"reminded_on",
		today,
		update_modified=False,
	)


def notify_overdue(user: str, customers: dict) -> None:
	"""One person's daily list: {(customer, customer_name): [item titles]}."""
	lines = [
		"{} ({})".format(frappe.bold(escape_html(name)), escape_html(", ".join(titles)))
		for (_customer, name), titles in customers.items()
	]
	count = sum(len(titles) for titles in customers.values())
	subject = _("{0} overdue onboarding items: {1}").format(count, "; ".join(lines[:DIGEST_CUSTOMERS]))
	if len(lines) > DIGEST_CUSTOMERS:
		subject += " " + _("and {0} more customers").format(len(lines) - DIGEST_CUSTOMERS)
	if len(customers) == 1:
		notify([user], subject, customer=next(iter(customers))[0])
	else:
		notify([user], subject, link=RUNNING_ROUNDS, email_content="<br>".join(lines))


def overdue_items(today) -> list:
	"""Undone items of running rounds, due before today, not yet reminded about today."""
	item, checklist = frappe.qb.DocType(CHECKLIST_ITEM), frappe.qb.DocType(CHECKLIST)
	return (
		frappe.qb.from_(item)
		.join(checklist)
		.on(item.parent == checklist.name)
		.select(
			item.name,
			item.title,
			item.due_date,
			item.responsible_user,
			item.responsible_role,
			checklist.customer,
			checklist.customer_name,
		)
		.where(
			(item.parenttype == CHECKLIST)
			& checklist.ended_on.isnull()
			& (item.done == 0)
			& (item.due_date < today)
			& (item.reminded_on.isnull() | (item.reminded_on < today))
		)
		.orderby(checklist.customer)
		.orderby(item.idx)
		.run(as_dict=True)
	)


# --- Customer doc_events ---------------------------------------------------------------------


def before_customer_rename(
	doc, method=None, old: str | None = None, new: str | None = None, merge: bool = False
):
	"""Customer.before_rename: a customer merged into another brings its rounds along, numbered
	after the survivor's (the unique (customer, round) index holds) and ended: the survivor keeps
	its own lifecycle."""
	if not merge:
		return
	offset = max((r.round for r in rounds_of(new)), default=0)
	end_rounds(old)
	# highest first, so no renumbered round meets one not yet moved
	for name, round_no in frappe.get_all(
		CHECKLIST, filters={"customer": old}, fields=["name", "round"], order_by="`round` desc", as_list=True
	):
		frappe.db.set_value(CHECKLIST, name, "round", round_no + offset, update_modified=False)


def on_customer_trash(doc, method=None) -> None:
	"""Customer.on_trash: its checklists go with it."""
	for name in frappe.get_all(CHECKLIST, filters={"customer": doc.name}, pluck="name"):
		frappe.delete_doc(CHECKLIST, name, ignore_permissions=True, force=True)
