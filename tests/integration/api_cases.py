"""The app's whitelisted methods, each with a call made as it should be: the table both HTTP suites
build on. The permission suite (test_api_permissions.py) makes each call as the wrong people; the
hostile-input suite (hostile/) makes it with hostile text in every argument.

METHODS holds one Case per method. test_every_whitelisted_method_has_a_case finds every
`@frappe.whitelist` of the app (its source, then Frappe's register: discover()) and fails on a
method without a row, or a row without a method.

How to add a method: a row in METHODS (PORTAL for api/portal.py), keyed by its dotted path:
	"customer_lifecycle.api.x.y": Case(lambda w: {...valid arguments...}, writes=True),
- the first argument builds valid arguments from a World `w`, the records of one test, made on first
  use: w.customer (active), w.prospect, w.prospect2, w.onboarding, w.provided_item, w.task,
  w.closed_task, w.note, w.flag, w.engagement, w.delivered_engagement, w.invoice, w.import_doc, w.job,
  w.contact, w.portal_contact, w.address, w.request, w.draft_request, w.activity, w.time_entry,
  w.timer, w.subscription, w.document_template, w.document, w.shared_document, w.stopped_job;
  w.calling_for(customer) is the customer a portal user names, w.link_for() the one-time
  link a link holder uses. A new kind of record is a cached_property of World that returns
  `self.add(name)` (so the database check covers it);
- writes: it changes data, so it must be POST only, and the call made as it should be must change
  the database (changes_here=False when that call, by design, changes nothing);
- managers_only: a Customer User is a wrong role too (wrong_roles= sets the wrong roles outright);
- other: "customer" (the default) when it takes a customer or a customer's record, "user" when it
  reads what another user made, None when neither; other_refused says how the refusal shows when it
  is not HTTP 403 (see each_row_failed, nothing_found);
- persona: who is refused another customer's records and makes the call as it should be (default:
  restricted_user, or restricted_manager for managers_only); a new persona goes in RESTRICTED with
  the function that gives it a customer of its own;
- ok: a check of the answer to the call made as it should be (expect(...) on the answer,
  then(...) on the database);
- files: the files of a multipart call, {field: (file name, content)}, built from the World.

A restricted persona among the wrong roles (the portal user, on the desk's calls) is refused on
records of its own customer, so that the role is what refuses it, not the customer.

Calls open to guests who hold an information request's one-time link (persona LINK_HOLDER: a guest
session; no role admits anyone there, so they have no wrong roles) are refused to a guest holding
the link of another customer's request, and made as they should be with the link of the World's own
request.
"""

import importlib
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

import frappe
from frappe.utils import add_days, now_datetime, nowdate

from tests.factories import make_activity, pdf_bytes
from tests.helpers import PASSWORD, PERSONAS, as_user

PACKAGE = "customer_lifecycle"
API = f"{PACKAGE}.api"
WHITELIST = re.compile(r"^\s*@(?:frappe\.)?whitelist\(", re.MULTILINE)


def grant_user_permission(user: str, customer: str) -> None:
	frappe.get_doc(
		{"doctype": "User Permission", "user": user, "allow": "Customer", "for_value": customer}
	).insert(ignore_permissions=True)


def revoke_user_permissions(user: str) -> None:
	for name in frappe.get_all("User Permission", filters={"user": user}, pluck="name"):
		frappe.delete_doc("User Permission", name, ignore_permissions=True)


def grant_contact(user: str, customer: str) -> str:
	"""The user's own Contact of the customer, with portal access (what portal.users.invite makes of
	a customer's contact); returns the Contact, a record of the World."""
	return (
		frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "Perm",
				"last_name": "Portal",
				"email_ids": [{"email_id": user, "is_primary": 1}],
				"user": user,
				"portal_access": 1,
				"links": [{"link_doctype": "Customer", "link_name": customer}],
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def revoke_contacts(user: str) -> None:
	frappe.db.set_value("Contact", {"user": user, "portal_access": 1}, "portal_access", 0)


class Restricted(NamedTuple):
	email: str
	roles: list[str]
	# (user, customer): the customer is theirs; returns a record it made for that, if any
	grant: Callable[[str, str], str | None]
	# (user): takes away what earlier runs granted
	revoke: Callable[[str], None] = revoke_user_permissions


PORTAL_USER = "portal"
# users who may reach only their own customers (the personas of tests.helpers reach all of them);
# the portal user is a website user, their customers' person through a Contact
RESTRICTED = {
	"restricted_user": Restricted("cl.perm.user@example.com", ["Customer User"], grant_user_permission),
	"restricted_manager": Restricted(
		"cl.perm.manager@example.com", ["Customer Manager"], grant_user_permission
	),
	PORTAL_USER: Restricted(
		"cl.perm.portal@example.com", ["Customer Portal User"], grant_contact, revoke_contacts
	),
}
# who are no customer's portal users: staff, however many rights they have on customers
STAFF = ("outsider", "user", "manager")
# whoever holds an information request's one-time link: a guest, admitted by the link alone
LINK_HOLDER = "link_holder"
# the personas a World's records are given to
PERMITTED = (*RESTRICTED, LINK_HOLDER)


def persona_email(persona: str) -> str:
	if persona == LINK_HOLDER:
		return "Guest"
	return RESTRICTED[persona].email if persona in RESTRICTED else PERSONAS[persona][0]


# --- the records of one test ---------------------------------------------------------------------


class World:
	"""Records for the calls of a test, made as Administrator on first use (the test commits them).
	`owner` writes the notes and holds the tasks; each customer made is given to the `permit`
	persona (one of RESTRICTED; or the LINK_HOLDER, who holds the links of its requests). `names`
	holds every record's name, for the database check; `own` a customer of each restricted
	persona's made elsewhere (other_world's), and the request whose link the LINK_HOLDER holds."""

	def __init__(self, owner: str, permit: str | None = None):
		self.owner = owner
		self.permit = permit
		self.names: set[str] = set()
		self.own: dict[str, str] = {}
		self.tag = uuid.uuid4().hex[:8]

	def add(self, name: str) -> str:
		self.names.add(name)
		return name

	def without_timer(self, args: dict) -> dict:
		"""`args`, once the owner has no timer running: a user runs one at a time, and one started by
		an earlier run on this site stays committed (stopped here as Stop Timer would)."""
		frappe.db.sql(
			"update `tabTime Entry` set timer_started_at = null, hours = 0.1"
			" where user = %s and timer_started_at is not null",
			self.owner,
		)
		return args

	def new_customer(self, kind: str, state: str = "Prospect", **fields) -> str:
		from customer_lifecycle.api.lifecycle import apply_action

		key = uuid.uuid4().hex[:10]
		doc = frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": f"Perm {kind.title()} {key}",
				# unique across runs: customers the server saw are committed and stay
				"email": f"perm.{key}@example.com",
				**fields,
			}
		).insert()
		if state in ("Onboarding", "Active"):
			apply_action(doc.name, "Start Onboarding")
		if state == "Active":
			apply_action(doc.name, "Activate")
		if self.permit in RESTRICTED:
			made = RESTRICTED[self.permit].grant(RESTRICTED[self.permit].email, doc.name)
			if made:
				self.add(made)
		return self.add(doc.name)

	def value(self, customer: str, field: str):
		return frappe.db.get_value("Customer", customer, field)

	def calling_for(self, customer: str) -> str:
		"""The customer the portal user names in a call about `customer`'s records: that one in a World
		given to them; in another, their own customer (`own`), so that what is not theirs is the
		record, not the customer named."""
		return customer if self.permit == PORTAL_USER else self.own[PORTAL_USER]

	def link_for(self) -> str:
		"""The one-time link (its query string) a link holder uses on this World's request items: this
		World's request's in a World given to them; in another, the link of their own request (`own`),
		so that the item, not the link, is what is not theirs."""
		from customer_lifecycle.onboarding import links

		request = self.request if self.permit == LINK_HOLDER else self.own[LINK_HOLDER]
		return links.query(request, add_days(nowdate(), 14))

	def with_birthday(self, args: dict) -> dict:
		"""`args`, once the active customer (an Individual) turns 40 the day after tomorrow."""
		born = add_days(nowdate(), 2).replace(nowdate()[:4], str(int(nowdate()[:4]) - 40), 1)
		frappe.db.set_value("Customer", self.customer, {"customer_type": "Individual", "birth_date": born})
		return args

	def consenting(self, args: dict) -> dict:
		"""`args`, once the active customer's primary contact has given marketing consent."""
		frappe.db.set_value("Contact", self.contact, "marketing_consent", 1)
		return args

	@cached_property
	def category(self) -> str:
		return (
			frappe.get_doc({"doctype": "Customer Category", "category_name": f"Perm {self.tag}"})
			.insert()
			.name
		)

	@cached_property
	def customer(self) -> str:
		"""An active (billable) customer, alone in its category, at risk (no invoices, no activity)."""
		return self.new_customer("active", "Active", customer_category=self.category)

	@cached_property
	def prospect(self) -> str:
		return self.new_customer("prospect")

	@cached_property
	def prospect2(self) -> str:
		return self.new_customer("prospect")

	@cached_property
	def onboarding(self) -> tuple[str, str, str]:
		"""A customer onboarding: (customer, its checklist, the checklist's first item)."""
		customer = self.new_customer("onboarding", "Onboarding")
		checklist = frappe.get_all("Onboarding Checklist", filters={"customer": customer}, pluck="name")[0]
		item = frappe.get_doc("Onboarding Checklist", checklist).items[0].name
		return customer, self.add(checklist), item

	@cached_property
	def provided_item(self) -> str:
		"""An item the onboarding customer provides, of its running round."""
		return frappe.get_all(
			"Onboarding Checklist Item",
			filters={"parent": self.onboarding[1], "customer_provides": 1},
			order_by="idx asc",
			pluck="name",
		)[0]

	@cached_property
	def contact(self) -> str:
		"""The customer's primary contact, made from the customer's email (no one's login)."""
		return self.add(self.value(self.customer, "primary_contact"))

	@cached_property
	def portal_contact(self) -> str:
		"""The customer's primary contact, given a portal login."""
		from customer_lifecycle.portal import users

		users.invite(self.contact)
		return self.contact

	def new_request(self, sent: bool) -> str:
		"""An information request of the active customer, to its primary contact: a question and a
		document; sent as sending records it (the email aside), or a draft."""
		from customer_lifecycle.onboarding import requests

		self.contact  # noqa: B018 (the primary contact, among the World's records)
		doc = frappe.get_doc(
			{
				"doctype": "Information Request",
				"customer": self.customer,
				"title": f"Perm pack {self.tag}",
				"due_date": add_days(nowdate(), 14),
				"items": [
					{"title": "Perm question", "kind": "Question"},
					{"title": "Perm document", "kind": "Document"},
				],
			}
		).insert()
		if sent:
			requests.mark_sent(doc)
		return self.add(doc.name)

	@cached_property
	def request(self) -> str:
		return self.new_request(sent=True)

	@cached_property
	def draft_request(self) -> str:
		return self.new_request(sent=False)

	def request_item(self, kind: str) -> str:
		"""The item of that kind ("Question", "Document") of the World's sent request."""
		return frappe.db.get_value("Information Request Item", {"parent": self.request, "kind": kind}, "name")

	def new_address(self, **fields) -> str:
		address = frappe.get_doc(
			{
				"doctype": "Address",
				"address_title": f"Perm {self.tag}",
				"address_type": "Billing",
				"address_line1": "1 Perm Street",
				"city": "Leeds",
				"country": frappe.get_system_settings("country") or "United Kingdom",
				"links": [{"link_doctype": "Customer", "link_name": self.customer}],
				**fields,
			}
		).insert()
		return self.add(address.name)

	@cached_property
	def address(self) -> str:
		return self.new_address()

	def new_task(self, status: str) -> str:
		todo = frappe.get_doc(
			{
				"doctype": "ToDo",
				"reference_type": "Customer",
				"reference_name": self.customer,
				"description": "Call back",
				"allocated_to": self.owner,
				"assigned_by": "Administrator",
				"status": status,
			}
		).insert(ignore_permissions=True)
		return self.add(todo.name)

	@cached_property
	def task(self) -> str:
		return self.new_task("Open")

	@cached_property
	def closed_task(self) -> str:
		return self.new_task("Closed")

	@cached_property
	def note(self) -> str:
		"""An internal note the owner wrote (so only the customer may stand in their way)."""
		note = frappe.get_doc(
			{
				"doctype": "Customer Note",
				"customer": self.customer,
				"content": "Perm note",
				"visibility": "Internal",
			}
		).insert()
		frappe.db.set_value("Customer Note", note.name, "owner", self.owner, update_modified=False)
		return self.add(note.name)

	@cached_property
	def flag(self) -> str:
		flag = frappe.get_doc(
			{
				"doctype": "Customer Flag",
				"customer": self.customer,
				"reason": "Perm flag",
				"severity": "Medium",
			}
		).insert()
		return self.add(flag.name)

	def new_engagement(self) -> str:
		engagement = frappe.get_doc(
			{"doctype": "Engagement", "customer": self.customer, "title": "Perm work", "status": "Open"}
		).insert()
		return self.add(engagement.name)

	@cached_property
	def engagement(self) -> str:
		return self.new_engagement()

	@cached_property
	def root_folder(self) -> str:
		"""The customer's folder (what a folder made in it names)."""
		from customer_lifecycle.customers.files import ensure_folder

		return self.add(ensure_folder(self.customer))

	@cached_property
	def folder(self) -> str:
		"""A custom folder in the customer's, empty."""
		from customer_lifecycle.customers.files import add_folder

		self.root_folder
		return self.add(add_folder(self.customer, f"Perm folder {self.tag}"))

	@cached_property
	def delivered_engagement(self) -> str:
		from customer_lifecycle.billing.engagements import set_delivered

		name = self.new_engagement()
		set_delivered([name], True)
		return name

	@cached_property
	def activity(self) -> str:
		return self.add(make_activity(default_rate=100, name=f"Perm {self.tag}"))

	def new_time(self, **fields) -> str:
		"""Time on the engagement, of a user who never starts or stops a timer in these tests (so that
		a timer left running here stands in no one's way), on a past day of the World's own (that
		user's entries of every World and run would otherwise fill today's 24 hours)."""
		entry = frappe.get_doc(
			{
				"doctype": "Time Entry",
				"engagement": self.engagement,
				"activity": self.activity,
				"hours": 0.5,
				"user": persona_email("outsider"),
				"date": add_days(nowdate(), -1 - int(self.tag, 16) % 3000),
				**fields,
			}
		)
		entry.flags.timer = True
		return self.add(entry.insert().name)

	@cached_property
	def time_entry(self) -> str:
		"""Billable time not invoiced yet (worth 50)."""
		return self.new_time()

	@cached_property
	def timer(self) -> str:
		"""A timer running on the engagement."""
		return self.new_time(hours=0, timer_started_at=now_datetime(), date=nowdate())

	@cached_property
	def invoice(self) -> str:
		"""A submitted invoice, not due yet."""
		invoice = frappe.get_doc(
			{
				"doctype": "Customer Invoice",
				"customer": self.customer,
				"posting_date": nowdate(),
				"due_date": add_days(nowdate(), 30),
				"items": [{"description": "Perm work", "qty": 1, "rate": 100}],
			}
		).insert()
		invoice.submit()
		return self.add(invoice.name)

	@cached_property
	def subscription(self) -> str:
		"""The customer's subscription to a weekly plan at a site address of its (its visits made)."""
		plan = frappe.get_doc(
			{
				"doctype": "Service Plan",
				"plan_name": f"Perm {self.tag}",
				"frequency": "Weekly",
				"visits_per_period": 1,
				"price": 10,
			}
		).insert()
		site = self.new_address(address_type="Other", address_line1="3 Perm Street", is_site_address=1)
		subscription = frappe.get_doc(
			{
				"doctype": "Service Subscription",
				"customer": self.customer,
				"plan": plan.name,
				"site_address": site,
			}
		).insert()
		self.add(plan.name)
		return self.add(subscription.name)

	@cached_property
	def document_template(self) -> str:
		"""A Document Template of the World's own (a short one: its PDF is quick to make)."""
		template = frappe.get_doc(
			{
				"doctype": "Document Template",
				"template_name": f"Perm Letter {self.tag}",
				"template": "<p>Dear {{ contact.first_name or customer.customer_name }}</p>",
			}
		).insert()
		return self.add(template.name)

	def new_document(self, shared: bool = False) -> str:
		"""A document generated for the customer (its PDF filed among the customer's files)."""
		from customer_lifecycle.customers.documents import generation, sharing

		doc = generation.generate(self.customer, self.document_template)
		if shared:
			sharing.set_shared(doc.name, True)
		return self.add(doc.name)

	@cached_property
	def document(self) -> str:
		return self.new_document()

	@cached_property
	def shared_document(self) -> str:
		"""A document shared on the customer's portal."""
		return self.new_document(shared=True)

	@cached_property
	def import_doc(self) -> str:
		"""A Customer Import of a file without rows (a worker running it makes nothing), made by the
		Customer Manager, who may then read the file."""
		with as_user(persona_email("manager")):
			file = frappe.get_doc(
				{
					"doctype": "File",
					"file_name": f"perm-{self.tag}.csv",
					"is_private": 1,
					"content": b"Customer Name,Email\n",
				}
			).insert()
			doc = frappe.get_doc({"doctype": "Customer Import", "import_file": file.file_url}).insert()
		return self.add(doc.name)

	@cached_property
	def job_state(self) -> frappe._dict:
		from customer_lifecycle.customers import bulk_actions as bulk

		with as_user(persona_email("manager")):
			return bulk.finish(bulk.new_state(frappe.generate_hash(length=12), "archive", [], frappe._dict()))

	@property
	def job(self) -> str:
		"""The results of a bulk run of the Customer Manager's, kept in the cache as bulk.run keeps them;
		stored again on each use, for Frappe empties the whole cache whenever a User is made (as
		inviting a portal user does)."""
		from customer_lifecycle.customers import bulk_actions as bulk

		bulk.store(self.job_state)
		return self.job_state.job_id

	@property
	def stopped_job(self) -> str:
		"""A background bulk run of the Customer Manager's that stopped before its end (its worker
		died), kept in the cache as the watchdog leaves it; stored again on each use (see job)."""
		from customer_lifecycle.customers import bulk_actions as bulk

		if "stopped_state" not in self.__dict__:
			with as_user(persona_email("manager")):
				state = bulk.new_state(
					frappe.generate_hash(length=12), "archive", [self.prospect], frappe._dict()
				)
			state.stopped = "Perm: the worker stopped"
			self.__dict__["stopped_state"] = state
		bulk.store(self.__dict__["stopped_state"])
		return self.__dict__["stopped_state"].job_id


# --- the table -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
	args: Callable[[World], dict]
	writes: bool
	managers_only: bool = False
	other: str | None = "customer"
	other_refused: Callable[[Any, World], None] | None = None
	ok: Callable[[Any, World], None] | None = None
	persona: str | None = None
	wrong_roles: tuple[str, ...] | None = None
	changes_here: bool = True
	files: Callable[[World], dict] | None = None


def message(r):
	return r.json().get("message")


def expect(check: Callable[[Any, World], bool]):
	"""ok=: a check of the answer's message."""

	def ok(r, w):
		assert check(message(r), w), message(r)

	return ok


def then(check: Callable[[World], bool]):
	"""ok=: a check of the database after the call."""

	def ok(r, w):
		assert check(w), r.text[:500]

	return ok


def each_row_failed(r, w):
	"""bulk.run answers 200 and says, customer by customer, what was refused."""
	assert r.status_code == 200, r.text[:500]
	assert [row["result"] for row in message(r)["results"]] == ["failed"], message(r)


def upcoming_without(r, w):
	"""The upcoming dates answer 200 and leave out the customer the user may not read."""
	assert r.status_code == 200, r.text[:500]
	assert w.customer not in [row["customer"] for row in message(r)["rows"]], message(r)


def nothing_found(r, w):
	assert r.status_code == 200, r.text[:500]
	assert not message(r), message(r)


def customer_args(*records: str, customer: str = "customer", **extra):
	"""{"customer": w.<customer>, **extra}, once the World's `records` are made."""

	def args(w: World) -> dict:
		for record in records:
			getattr(w, record)
		return {"customer": getattr(w, customer), **extra}

	return args


def engagement_args(*records: str, **extra):
	"""{"engagement": w.engagement, **extra}, once the World's `records` are made."""

	def args(w: World) -> dict:
		for record in records:
			getattr(w, record)
		return {"engagement": w.engagement, **extra}

	return args


def search_args(w: World) -> dict:
	return {
		"doctype": "Customer",
		"txt": w.value(w.customer, "email"),
		"searchfield": "name",
		"start": 0,
		"page_len": 20,
	}


def documents_of(w: World) -> list[tuple]:
	"""The customer's generated documents: (template, has its PDF filed)."""
	rows = frappe.get_all(
		"Generated Document", filters={"customer": w.customer}, fields=["document_template", "file"]
	)
	return [(r.document_template, int(frappe.db.exists("File", r.file or "-") is not None)) for r in rows]


def emailed(w: World) -> bool:
	"""The document's email is queued, with its PDF, and logged as a note on the customer."""
	queued = frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": "Generated Document", "reference_name": w.document},
		pluck="attachments",
	)
	file = frappe.db.get_value("Generated Document", w.document, "file")
	return (
		len(queued) == 1
		and file in queued[0]
		and bool(
			frappe.db.exists(
				"Customer Note", {"customer": w.customer, "content": ("like", f"%{w.document}%")}
			)
		)
	)


METHODS: dict[str, Case] = {
	# api/customer.py
	f"{API}.customer.set_archived": Case(
		customer_args(archived=1), writes=True, ok=expect(lambda m, w: m["archived"] == 1)
	),
	# api/lifecycle.py (apply_workflow stands in for Frappe's, to take the desk's reason)
	f"{API}.lifecycle.apply_action": Case(
		customer_args(customer="prospect", action="Start Onboarding", reason="perm"),
		writes=True,
		ok=expect(lambda m, w: m["lifecycle_status"] == "Onboarding"),
	),
	f"{API}.lifecycle.apply_workflow": Case(
		lambda w: {"doc": {"doctype": "Customer", "name": w.prospect}, "action": "Start Onboarding"},
		writes=True,
		ok=expect(lambda m, w: m["lifecycle_status"] == "Onboarding"),
	),
	f"{API}.lifecycle.get_actions": Case(
		customer_args(customer="prospect"),
		writes=False,
		ok=expect(lambda m, w: [a["action"] for a in m] == ["Start Onboarding"]),
	),
	f"{API}.lifecycle.get_history": Case(customer_args(), writes=False, ok=expect(lambda m, w: len(m) >= 2)),
	# api/customer360.py
	f"{API}.customer360.summary": Case(customer_args(), writes=False),
	f"{API}.customer360.tasks": Case(
		customer_args("task"), writes=False, ok=expect(lambda m, w: [t["name"] for t in m] == [w.task])
	),
	f"{API}.customer360.add_task": Case(customer_args(description="Perm task"), writes=True),
	f"{API}.customer360.complete_task": Case(
		lambda w: {"task": w.task}, writes=True, ok=expect(lambda m, w: m["status"] == "Closed")
	),
	f"{API}.customer360.reopen_task": Case(
		lambda w: {"task": w.closed_task}, writes=True, ok=expect(lambda m, w: m["status"] == "Open")
	),
	f"{API}.customer360.edit_task": Case(
		lambda w: {"task": w.task, "description": "Edited"},
		writes=True,
		ok=expect(lambda m, w: m["text"] == "Edited"),
	),
	f"{API}.customer360.delete_task": Case(
		lambda w: {"task": w.task}, writes=True, ok=then(lambda w: not frappe.db.exists("ToDo", w.task))
	),
	# api/duplicates.py
	f"{API}.customer360.team_tasks": Case(
		lambda w: {"order_by": "newest", "page_length": 100} if w.task else {},
		writes=False,
		other=None,
		ok=expect(lambda m, w: w.task in [t["name"] for t in m["rows"]]),
	),
	# api/files.py
	f"{API}.files.customer_files": Case(
		customer_args("folder"),
		writes=False,
		ok=expect(lambda m, w: [f["name"] for f in m["folders"]] == [w.folder]),
	),
	f"{API}.files.add_folder": Case(
		# the folder it makes is a record of the World (the database check watches for it)
		lambda w: (
			{"customer": w.customer, "folder_name": "Perm receipts"}
			if w.add(f"{w.root_folder}/Perm receipts")
			else {}
		),
		writes=True,
		ok=then(lambda w: frappe.db.exists("File", f"{w.root_folder}/Perm receipts")),
	),
	f"{API}.files.rename_folder": Case(
		lambda w: (
			{"customer": w.customer, "folder": w.folder, "new_name": "Perm renamed"}
			if w.add(f"{w.root_folder}/Perm renamed")
			else {}
		),
		writes=True,
		ok=then(lambda w: frappe.db.exists("File", f"{w.root_folder}/Perm renamed")),
	),
	f"{API}.files.remove_folder": Case(
		lambda w: {"customer": w.customer, "folder": w.folder},
		writes=True,
		ok=then(lambda w: not frappe.db.exists("File", w.folder)),
	),
	f"{API}.duplicates.check": Case(
		lambda w: {"email": w.value(w.customer, "email")},
		writes=False,
		other_refused=nothing_found,
		ok=expect(lambda m, w: [c["name"] for c in m] == [w.customer]),
	),
	# api/privacy.py
	f"{API}.privacy.anonymize": Case(
		lambda w: {"customer": w.prospect, "confirm_name": w.value(w.prospect, "customer_name")},
		writes=True,
		managers_only=True,
		ok=expect(lambda m, w: m["lifecycle_status"] == "Anonymized"),
	),
	f"{API}.privacy.anonymize_action": Case(customer_args(customer="prospect"), writes=False),
	# api/onboarding.py
	f"{API}.onboarding.get_onboarding": Case(
		lambda w: {"customer": w.onboarding[0]}, writes=False, ok=expect(lambda m, w: m["current"])
	),
	f"{API}.onboarding.set_item_done": Case(
		lambda w: {"checklist": w.onboarding[1], "item": w.onboarding[2], "done": 1}, writes=True
	),
	# api/billing.py
	f"{API}.billing.mark_delivered": Case(
		lambda w: {"names": [w.engagement]}, writes=True, ok=expect(lambda m, w: m == [w.engagement])
	),
	f"{API}.billing.mark_undelivered": Case(
		lambda w: {"names": [w.delivered_engagement]},
		writes=True,
		ok=expect(lambda m, w: m == [w.delivered_engagement]),
	),
	f"{API}.billing.open_invoices": Case(
		customer_args("invoice"), writes=False, ok=expect(lambda m, w: [i["name"] for i in m] == [w.invoice])
	),
	f"{API}.billing.item_rate": Case(customer_args(item_code="PERM-ITEM"), writes=False),
	f"{API}.billing.customer_records": Case(
		customer_args("invoice", ledger="invoices"),
		writes=False,
		ok=expect(lambda m, w: [r["name"] for r in m["rows"]] == [w.invoice] and m["total"] == 1),
	),
	f"{API}.billing.record_payment": Case(
		customer_args(amount=10, method="Cash"), writes=True, managers_only=True
	),
	f"{API}.billing.send_payment_reminders": Case(
		# an invoice not due yet is skipped, so no email account is needed: permission comes first
		lambda w: {"invoices": [w.invoice]},
		writes=True,
		changes_here=False,
		ok=expect(lambda m, w: [s["invoice"] for s in m["skipped"]] == [w.invoice]),
	),
	# api/documents.py
	f"{API}.documents.generate": Case(
		lambda w: {"customer": w.customer, "template": w.document_template},
		writes=True,
		ok=then(lambda w: documents_of(w) == [(w.document_template, 1)]),
	),
	f"{API}.documents.customer_documents": Case(
		customer_args("document"),
		writes=False,
		ok=expect(lambda m, w: [r["name"] for r in m["rows"]] == [w.document] and m["total"] == 1),
	),
	f"{API}.documents.email_document": Case(
		# the World's committed outgoing account (outgoing_account) queues it; nothing is sent
		lambda w: {"document": w.document, "contact": w.contact},
		writes=True,
		ok=then(emailed),
	),
	f"{API}.documents.share_on_portal": Case(
		lambda w: {"document": w.document, "shared": 1},
		writes=True,
		ok=then(lambda w: frappe.db.get_value("Generated Document", w.document, "shared_on_portal") == 1),
	),
	# api/time_entries.py
	f"{API}.time_entries.rate_in_force": Case(
		lambda w: {"engagement": w.engagement, "activity": w.activity, "hours": 2},
		writes=False,
		ok=expect(lambda m, w: (m["rate"], m["source"], m["amount"]) == (100, "Activity Default", 200)),
	),
	f"{API}.time_entries.engagement_time": Case(
		engagement_args("time_entry"),
		writes=False,
		ok=expect(lambda m, w: [e["name"] for e in m["entries"]] == [w.time_entry] and m["unbilled"] == 50),
	),
	f"{API}.time_entries.start_timer": Case(
		lambda w: w.without_timer(
			{"engagement": w.engagement, "activity": w.activity, "description": "Perm timer"}
		),
		writes=True,
		ok=expect(lambda m, w: m["engagement"] == w.engagement),
	),
	f"{API}.time_entries.stop_timer": Case(
		lambda w: {"entry": w.timer},
		writes=True,
		ok=then(
			lambda w: frappe.db.get_value("Time Entry", w.timer, ["timer_started_at", "hours"]) == (None, 0.1)
		),
	),
	f"{API}.time_entries.invoice_unbilled_time": Case(
		engagement_args("time_entry", lines="activity"),
		writes=True,
		ok=expect(lambda m, w: frappe.db.get_value("Time Entry", w.time_entry, "invoice") == m),
	),
	f"{API}.time_entries.customer_profitability": Case(
		customer_args("time_entry"),
		writes=False,
		managers_only=True,
		ok=expect(lambda m, w: (m["total"]["unbilled"], m["total"]["hours"]) == (50, 0.5)),
	),
	# api/service.py
	f"{API}.service.customer_records": Case(
		customer_args("subscription", ledger="subscriptions"),
		writes=False,
		ok=expect(lambda m, w: [r["name"] for r in m["rows"]] == [w.subscription] and m["total"] == 1),
	),
	# Frappe's calendar events (stands in for Frappe's over HTTP): for staff, their own calendar
	f"{API}.service.get_events": Case(
		lambda w: {"start": nowdate(), "end": add_days(nowdate(), 14)},
		writes=False,
		other=None,
		wrong_roles=(PORTAL_USER,),
		ok=expect(lambda m, w: isinstance(m, list)),
	),
	# api/dates.py (the workspace's Upcoming Dates): a list, so another customer's date is left out
	f"{API}.dates.upcoming": Case(
		lambda w: w.with_birthday({"days": 14, "limit": 500}),
		writes=False,
		other_refused=upcoming_without,
		ok=expect(lambda m, w: w.customer in [row["customer"] for row in m["rows"]]),
	),
	# api/messages.py (messages to chosen customers: a Newsletter to an Email Group). The draft and its
	# group name no record of the World, so the database check cannot see them: the call made as it
	# should be is checked by its answer and the group's members instead
	f"{API}.messages.preview": Case(
		lambda w: w.consenting({"selection": {"customers": [w.customer]}}),
		writes=False,
		managers_only=True,
		ok=expect(lambda m, w: (m["customers"], m["included"]) == (1, 1)),
	),
	f"{API}.messages.make_newsletter": Case(
		lambda w: w.consenting({"selection": {"customers": [w.customer]}, "subject": f"Perm {w.tag}"}),
		writes=True,
		managers_only=True,
		changes_here=False,
		ok=expect(
			lambda m, w: (
				frappe.get_all("Email Group Member", filters={"email_group": m["email_group"]}, pluck="email")
				== [w.value(w.customer, "email")]
				and frappe.db.get_value("Newsletter", m["newsletter"], "email_sent") == 0
			)
		),
	),
	# api/merge.py
	f"{API}.merge.merge": Case(
		lambda w: {"customer": w.prospect2, "into": w.prospect},
		writes=True,
		managers_only=True,
		ok=then(lambda w: not frappe.db.exists("Customer", w.prospect2)),
	),
	# api/bulk.py
	f"{API}.bulk.run": Case(
		lambda w: {"action": "archive", "customers": [w.prospect]},
		writes=True,
		other_refused=each_row_failed,
		ok=expect(lambda m, w: [row["result"] for row in m["results"]] == ["done"]),
	),
	f"{API}.bulk.get_results": Case(
		lambda w: {"job_id": w.job}, writes=False, other="user", ok=expect(lambda m, w: m["job_id"] == w.job)
	),
	# the run goes on in the background (a worker archives the customer): nothing changes here
	f"{API}.bulk.resume": Case(
		lambda w: {"job_id": w.stopped_job},
		writes=True,
		changes_here=False,
		other="user",
		ok=expect(lambda m, w: m["job_id"] == w.stopped_job and not m["finished"] and not m["stopped"]),
	),
	# api/notes.py
	f"{API}.notes.get_active_flags": Case(
		customer_args("flag"), writes=False, ok=expect(lambda m, w: [f["name"] for f in m] == [w.flag])
	),
	f"{API}.notes.raise_flag": Case(customer_args(reason="Perm reason", severity="High"), writes=True),
	f"{API}.notes.resolve_flag": Case(lambda w: {"flag": w.flag, "note": "Sorted"}, writes=True),
	f"{API}.notes.get_notes": Case(
		customer_args("note"),
		writes=False,
		ok=expect(lambda m, w: [n["name"] for n in m["notes"]] == [w.note]),
	),
	f"{API}.notes.add_note": Case(customer_args(content="Perm added"), writes=True),
	f"{API}.notes.edit_note": Case(lambda w: {"note": w.note, "content": "Perm edited"}, writes=True),
	f"{API}.notes.delete_note": Case(
		lambda w: {"note": w.note},
		writes=True,
		ok=then(lambda w: not frappe.db.exists("Customer Note", w.note)),
	),
	f"{API}.notes.pin_note": Case(lambda w: {"note": w.note, "pinned": 1}, writes=True),
	# customers/doctype/customer_import (the form's Start Import)
	f"{PACKAGE}.customers.doctype.customer_import.customer_import.start_import": Case(
		lambda w: {"name": w.import_doc},
		writes=True,
		managers_only=True,
		other=None,
		ok=expect(lambda m, w: m["status"] == "Queued"),
	),
	# customers/doctype/customer_import (the form's Save Mapping)
	f"{PACKAGE}.customers.doctype.customer_import.customer_import.save_mapping": Case(
		lambda w: {"name": w.import_doc, "mapping_name": w.add(f"Perm mapping {w.tag}")},
		writes=True,
		managers_only=True,
		other=None,
		ok=then(
			lambda w: (
				frappe.db.get_value("Customer Import", w.import_doc, "mapping") == f"Perm mapping {w.tag}"
				and frappe.db.exists("Customer Import Mapping", f"Perm mapping {w.tag}")
			)
		),
	),
	# customers/terminology.py (the settings form's preview)
	f"{PACKAGE}.customers.terminology.preview": Case(
		lambda w: {"singular": "Client", "plural": "Clients"}, writes=False, other=None
	),
	# customers/search.py (the Customer link field's search)
	f"{PACKAGE}.customers.search.customer_query": Case(
		search_args,
		writes=False,
		other_refused=nothing_found,
		ok=expect(lambda m, w: [row[0] for row in m] == [w.customer]),
	),
}

# ================================ api/portal.py: the customer portal ================================
# The desk's calls (who has a login; invite, revoke) are for staff: the portal user is a wrong role.
# The portal's calls are for the portal user (persona PORTAL_USER) on their own customer, whose
# records they name through w.calling_for: staff are no customer's portal users, so all of them are
# refused.


def portal_access(w: World, contact: str) -> dict:
	return frappe.db.get_value("Contact", contact, ["user", "portal_access"], as_dict=True)


def invited(w: World) -> bool:
	contact = portal_access(w, w.contact)
	return (
		contact.portal_access == 1
		and frappe.db.get_value("User", contact.user, "user_type") == "Website User"
	)


def item_values(w: World) -> dict:
	return frappe.db.get_value(
		"Onboarding Checklist Item", w.provided_item, ["done", "answer", "attachment"], as_dict=True
	)


def item_args(**extra):
	def args(w: World) -> dict:
		return {"customer": w.calling_for(w.onboarding[0]), "item": w.provided_item, **extra}

	return args


def upload(w: World) -> dict:
	return {"file": (f"perm-{w.tag}.pdf", pdf_bytes(f"perm {w.tag}"))}


def pdf_of(r, document: str) -> None:
	"""The answer is the document's filed PDF, shown in the browser."""
	file = frappe.db.get_value("Generated Document", document, "file")
	assert r.headers["Content-Type"] == "application/pdf", r.headers
	assert r.content == frappe.get_doc("File", file).get_content()


AS_PORTAL_USER = {"persona": PORTAL_USER, "wrong_roles": STAFF}

PORTAL: dict[str, Case] = {
	f"{API}.portal.get_portal_access": Case(
		customer_args("portal_contact"),
		writes=False,
		wrong_roles=("outsider", PORTAL_USER),
		ok=expect(lambda m, w: [row["contact"] for row in m if row["has_access"]] == [w.portal_contact]),
	),
	f"{API}.portal.invite": Case(
		lambda w: {"contact": w.contact},
		writes=True,
		managers_only=True,
		wrong_roles=("outsider", "user", PORTAL_USER),
		ok=then(invited),
	),
	f"{API}.portal.revoke": Case(
		lambda w: {"contact": w.portal_contact},
		writes=True,
		managers_only=True,
		wrong_roles=("outsider", "user", PORTAL_USER),
		ok=then(lambda w: portal_access(w, w.portal_contact).portal_access == 0),
	),
	# the customer named is another's
	f"{API}.portal.update_profile": Case(
		customer_args(first_name="Perm", last_name="Edited"),
		writes=True,
		ok=expect(lambda m, w: m["contact"]["last_name"] == "Edited"),
		**AS_PORTAL_USER,
	),
	# another customer's address, under the user's own customer
	f"{API}.portal.save_address": Case(
		lambda w: {
			"customer": w.calling_for(w.customer),
			"address": w.address,
			"address_line1": "2 Perm Street",
			"city": "York",
		},
		writes=True,
		ok=then(lambda w: frappe.db.get_value("Address", w.address, "address_line1") == "2 Perm Street"),
		**AS_PORTAL_USER,
	),
	# another customer's item, under the user's own customer
	f"{API}.portal.answer_item": Case(
		item_args(answer="Perm answer"),
		writes=True,
		ok=then(lambda w: item_values(w).done == 1 and item_values(w).answer == "Perm answer"),
		**AS_PORTAL_USER,
	),
	f"{API}.portal.upload_document": Case(
		item_args(),
		writes=True,
		files=upload,
		ok=then(lambda w: item_values(w).done == 1 and bool(item_values(w).attachment)),
		**AS_PORTAL_USER,
	),
	# another customer's shared document, under the user's own customer
	f"{API}.portal.download_document": Case(
		lambda w: {"document": w.shared_document, "customer": w.calling_for(w.customer)},
		writes=False,
		ok=lambda r, w: pdf_of(r, w.shared_document),
		**AS_PORTAL_USER,
	),
	f"{API}.portal.request_data": Case(
		customer_args(kind="export"),
		writes=True,
		ok=expect(
			lambda m, w: (
				frappe.db.get_value("Personal Data Download Request", m, "user") == persona_email(PORTAL_USER)
			)
		),
		**AS_PORTAL_USER,
	),
}
# ====================================================================================================

# ============================ api/requests.py: information requests ===============================
# The desk's calls are staff's, on their own customers' requests. The one-time link's calls are open to
# guests: the LINK_HOLDER answers with the link of the World's request, and is refused the items of
# another customer's request under the link of their own (w.link_for).


def request_item_values(w: World, kind: str) -> dict:
	return frappe.db.get_value(
		"Information Request Item", w.request_item(kind), ["done", "answer", "attachment"], as_dict=True
	)


def link_args(kind: str, **extra):
	def args(w: World) -> dict:
		return {"link": w.link_for(), "item": w.request_item(kind), **extra}

	return args


AS_LINK_HOLDER = {"persona": LINK_HOLDER, "wrong_roles": ()}

REQUESTS: dict[str, Case] = {
	f"{API}.requests.customer_requests": Case(
		customer_args("request"),
		writes=False,
		ok=expect(lambda m, w: [r["name"] for r in m["rows"]] == [w.request]),
	),
	f"{API}.requests.send": Case(
		lambda w: {"request": w.draft_request},
		writes=True,
		ok=then(lambda w: frappe.db.get_value("Information Request", w.draft_request, "status") == "Sent"),
	),
	f"{API}.requests.answer_by_link": Case(
		link_args("Question", answer="Perm answer"),
		writes=True,
		ok=then(lambda w: request_item_values(w, "Question").answer == "Perm answer"),
		**AS_LINK_HOLDER,
	),
	f"{API}.requests.upload_by_link": Case(
		link_args("Document"),
		writes=True,
		files=upload,
		ok=then(lambda w: request_item_values(w, "Document").done == 1),
		**AS_LINK_HOLDER,
	),
}
# ====================================================================================================

CASES = {**METHODS, **REQUESTS, **PORTAL}


# --- discovery -----------------------------------------------------------------------------------


def package_dir() -> Path:
	return Path(importlib.import_module(PACKAGE).__file__).parent


def short(key: str) -> str:
	"""A method's module and name: "billing.mark_delivered"."""
	return ".".join(key.split(".")[-2:])


def module_of(key: str) -> str:
	return key.rsplit(".", 1)[0]


def whitelisting_modules() -> dict[str, int]:
	"""Every module of the app with `@frappe.whitelist(` in its source, and how many times; and
	every module of customer_lifecycle.api."""
	found = {f"{API}.{path.stem}": 0 for path in package_dir().joinpath("api").glob("*.py")}
	for path in sorted(package_dir().rglob("*.py")):
		count = len(WHITELIST.findall(path.read_text(encoding="utf-8")))
		if count:
			found[".".join(path.relative_to(package_dir().parent).with_suffix("").parts)] = count
	return found


def discover() -> dict[str, list[str]]:
	"""The app's whitelisted functions (dotted path: HTTP methods), from Frappe's register once each
	module is imported; each module must have registered as many as its source has decorators."""
	modules = whitelisting_modules()
	for module in modules:
		importlib.import_module(module)
	found = {
		f"{fn.__module__}.{fn.__qualname__}": list(frappe.allowed_http_methods_for_whitelisted_func[fn])
		for fn in frappe.whitelisted
		if fn.__module__ in modules
	}
	for module, count in modules.items():
		registered = sorted(key for key in found if module_of(key) == module)
		assert len(registered) == count, (
			f"{module}: {count} decorators in the source, registered {registered}"
		)
	return found


# --- personas, calls, the database check ---------------------------------------------------------

# every table of the app, and Frappe's tables about records; the columns that may name a record
CORE_TABLES = (
	"ToDo",
	"Comment",
	"Version",
	"Communication",
	"Communication Link",
	"File",
	"Tag Link",
	"DocShare",
	"Notification Log",
	"Email Queue",
	"Dynamic Link",
	"Deleted Document",
	"Workflow Action",
	"Contact",
	"Address",
)
NAMING_COLUMNS = (
	"name",
	"parent",
	"customer",
	"invoice",
	"reference_name",
	"link_name",
	"docname",
	"attached_to_name",
	"document_name",
	"share_name",
	"deleted_name",
)


def snapshot(tables, world: World) -> dict:
	"""Every row, in the tables above, that names a record of the World; and the app's settings."""
	frappe.db.rollback()  # see what the server committed
	columns, singles = tables
	names = sorted(world.names) or ["-"]
	rows = {}
	for doctype, naming in columns.items():
		where = " or ".join(f"`{c}` in %(names)s" for c in naming)
		rows[doctype] = frappe.db.sql(
			f"select * from `tab{doctype}` where {where} order by `name`", {"names": names}, as_list=True
		)
	rows["Singles"] = frappe.db.sql(
		"select doctype, field, value from `tabSingles` where doctype in %(d)s order by doctype, field",
		{"d": singles or ["-"]},
	)
	return rows


def changed(before: dict, after: dict) -> list[str]:
	return [table for table in before if before[table] != after[table]]


def table_columns() -> tuple[dict, list]:
	"""({doctype: its columns that may name a record}, the app's single DocTypes)."""
	modules = frappe.get_module_list(PACKAGE)
	app = frappe.get_all(
		"DocType", filters={"module": ("in", modules), "issingle": 0, "is_virtual": 0}, pluck="name"
	)
	singles = frappe.get_all("DocType", filters={"module": ("in", modules), "issingle": 1}, pluck="name")
	columns = {
		doctype: [c for c in NAMING_COLUMNS if c in frappe.db.get_table_columns(doctype)]
		for doctype in (*sorted(app), *CORE_TABLES)
	}
	return columns, singles


def commit(*users: str) -> None:
	"""Commit, then drop the users' cached User Permissions. Frappe drops them as a permission is
	made or deleted, before the commit: a background job (any site's, in a shared worker) that reads
	them in between caches the old ones, and the server would refuse the user their new customer."""
	frappe.db.commit()
	for user in users:
		frappe.cache.hdel("user_permissions", user)


def ensure_restricted_users() -> dict[str, str]:
	"""The restricted users, without what earlier runs gave them: {persona: email}."""
	from customer_lifecycle.demo.staff import ensure_user

	for email, roles, _grant, revoke in RESTRICTED.values():
		ensure_user(email, roles, PASSWORD)
		revoke(email)
	commit(*(r.email for r in RESTRICTED.values()))
	return {persona: r.email for persona, r in RESTRICTED.items()}


def encode(args: dict) -> dict:
	"""Form or query values: lists and dicts as JSON, booleans as 1 and 0."""
	return {
		key: json.dumps(value)
		if isinstance(value, list | dict)
		else int(value)
		if isinstance(value, bool)
		else value
		for key, value in args.items()
		if value is not None
	}


def valid_args(case: Case, world: World) -> dict:
	"""The case's arguments as Python values, the records they name committed so that the server sees
	them."""
	frappe.flags.in_test = True  # notifications about these records are made now, not by a worker later
	try:
		args = case.args(world)
	finally:
		frappe.flags.in_test = False
	commit(*([RESTRICTED[world.permit].email] if world.permit in RESTRICTED else []))
	return args


def build(case: Case, world: World) -> dict:
	"""The case's arguments as a form sends them, the records they name committed."""
	return encode(valid_args(case, world))


def call(client, base_url, persona, key, args, verb, files=None):
	url = f"{base_url}/api/method/{key}"
	if verb == "GET":
		return client(persona).get(url, params=args, timeout=60)
	return client(persona).post(url, data=args, files=files, timeout=60)


def files_of(case: Case, world: World) -> dict | None:
	return case.files(world) if case.files else None


def verb_of(case: Case) -> str:
	return "POST" if case.writes else "GET"


def own_persona(case: Case) -> str:
	"""Who is refused another customer's records and makes the call as it should be."""
	return case.persona or ("restricted_manager" if case.managers_only else "restricted_user")


def allowed_persona(case: Case) -> str:
	"""For methods without a customer: a role that may call them, unrestricted (the bulk run's
	results are the Customer Manager's); the portal user for the portal's calls, the link holder
	for the one-time link's."""
	if case.persona in (PORTAL_USER, LINK_HOLDER):
		return case.persona
	return "manager" if case.managers_only or case.other == "user" else "user"


def right_persona(case: Case) -> str:
	return own_persona(case) if case.other == "customer" else allowed_persona(case)
