"""What a firm's people leave around its customers, for the demo: internal and customer-visible
notes, flags of each severity (some resolved), tasks assigned to the staff (Frappe's ToDo, through
its assign_to; some due today), the staff as one team (a Frappe User Group), files in custom folders,
in no folder and on an engagement, tags (Frappe's Tag), favourites (Frappe's like), a few near-duplicates for the
duplicate report, and marketing consent on some contacts.

Notes are bulk rows, dated inside the customer's history so that none counts as new activity after
a customer went dormant; everything else goes through the controllers and Frappe's own functions,
as staff users, because a flag keeps its customer's headline and a task notifies its assignee."""

import random
from datetime import datetime, timedelta

import frappe
from frappe.desk.doctype.tag.tag import DocTags
from frappe.desk.form.assign_to import add as assign
from frappe.desk.like import _toggle_like
from frappe.utils import add_days, getdate, now_datetime, nowdate

from customer_lifecycle.customers import flags
from customer_lifecycle.customers.files import add_folder
from customer_lifecycle.demo.customers import STANDARD_FIELDS, read_customers
from customer_lifecycle.lifecycle.engine import get_settings
from customer_lifecycle.utils.doctypes import CUSTOMER, ENGAGEMENT, FLAG, NOTE, STATE_FIELD

NOTE_FIELDS = (*STANDARD_FIELDS, "customer", "visibility", "pinned", "content")
INTERNAL_NOTES = (
	"Called about the quarterly figures; they want a meeting next month.",
	"Prefers email to phone calls.",
	"Asked whether we can take over payroll as well.",
	"Fee increase discussed and agreed on the phone.",
	"Waiting for last year's bank statements.",
	"Director changed in March: update the engagement letter.",
)
VISIBLE_NOTES = (
	"Thank you for sending the documents so quickly.",
	"Your year-end pack is ready for review.",
	"Reminder: the tax return deadline is the end of January.",
	"We have received your signed engagement letter.",
)
# in turn, so that even a small demo has a flag of each severity
FLAGS = (
	("High", "Disputed invoice: do not chase until resolved"),
	("Medium", "Slow to reply: call rather than email"),
	("Low", "Prefers paper copies"),
	("High", "Identity documents expired"),
	("Medium", "Payment plan agreed"),
	("Low", "Ask about a referral at the next meeting"),
)
TASKS = (
	"Chase the signed engagement letter",
	"Prepare the year-end pack",
	"Review the overdue invoices with the customer",
	"Book the annual review meeting",
	"Check the new director's identity documents",
)
FOLDERS = ("Contracts", "Receipts", "Saved Quotes")
# the staff's User Group: their team
DEMO_TEAM = "Demo Customer Team"
TAGS = ("VIP", "Referral", "Payroll", "Tax season", "Newsletter")


HISTORY_FIELDS = [
	"customer_name",
	"phone",
	"primary_contact",
	"creation",
	"lifecycle_since",
	"last_invoice_date",
	"archived",
	STATE_FIELD,
]


def latest_moment(customer, active_state: str) -> datetime:
	"""The last moment a record about the customer may carry: before its current state began, or
	(an active customer) up to its last invoice, so a customer left quiet stays quiet."""
	end = customer.lifecycle_since or customer.creation
	if customer.get(STATE_FIELD) == active_state and customer.last_invoice_date:
		end = max(end, datetime.combine(getdate(customer.last_invoice_date), datetime.min.time()))
	return min(end, now_datetime())


def make_around(names: list[str], staff: list[str], seed: int = 1) -> dict:
	rng = random.Random(seed)
	settings = get_settings()
	customers = read_customers(names, HISTORY_FIELDS)
	live = [c for c in customers if not c.archived and c.get(STATE_FIELD) != settings.anonymized_state]
	if not live:
		return {}
	counts = {"notes": make_notes(live, staff, settings.active_state, rng)}
	counts["flags"] = make_flags(rng.sample(live, k=min(len(live), max(3, len(live) // 15))), staff, rng)
	counts["tasks"] = make_tasks(rng.sample(live, k=max(1, len(live) // 25)), staff, rng)
	counts["teams"] = make_team(staff)
	counts["files"] = make_files(rng.sample(live, k=min(len(live), max(3, len(live) // 40))), rng)
	counts["tags"] = make_tags(rng.sample(live, k=max(1, len(live) // 10)), rng)
	counts["favourites"] = make_favourites(live, staff, rng)
	counts["near-duplicates"] = make_near_duplicates(
		rng.sample([c for c in live if c.phone], k=min(6, len(live) // 50 + 1)), rng
	)
	counts["contacts with marketing consent"] = give_consent([c.primary_contact for c in live], rng)
	return counts


def make_notes(customers: list, staff: list[str], active_state: str, rng: random.Random) -> int:
	rows = []
	for customer in rng.sample(customers, k=len(customers) * 3 // 10):
		start = customer.creation
		end = latest_moment(customer, active_state)
		for _ in range(rng.randint(1, 3)):
			when = start + (end - start) * rng.random() if end > start else start
			visible = rng.random() < 0.3
			text = rng.choice(VISIBLE_NOTES if visible else INTERNAL_NOTES)
			author = rng.choice(staff)
			rows.append(
				(
					frappe.generate_hash(length=10),
					when,
					when,
					author,
					author,
					0,
					0,
					customer.name,
					"Customer-visible" if visible else "Internal",
					1 if rng.random() < 0.1 else 0,
					f"<p>{frappe.utils.escape_html(text)}</p>",
				)
			)
	frappe.db.bulk_insert(NOTE, NOTE_FIELDS, rows)
	return len(rows)


def as_staff(staff: list[str], rng: random.Random):
	"""Switch to one of the staff (the caller switches back)."""
	frappe.set_user(rng.choice(staff))


def make_flags(customers: list, staff: list[str], rng: random.Random) -> int:
	user = frappe.session.user
	try:
		for i, customer in enumerate(customers):
			as_staff(staff, rng)
			severity, reason = FLAGS[i % len(FLAGS)]
			flag = frappe.get_doc(
				{"doctype": FLAG, "customer": customer.name, "severity": severity, "reason": reason}
			).insert()
			if rng.random() < 0.25:
				flag.status = flags.RESOLVED
				flag.resolution_note = "Sorted out on a call with the customer."
				flag.save()
	finally:
		frappe.set_user(user)
	return len(customers)


def make_tasks(customers: list, staff: list[str], rng: random.Random) -> int:
	user = frappe.session.user
	try:
		for customer in customers:
			as_staff(staff, rng)
			assign(
				{
					"assign_to": [rng.choice(staff)],
					"doctype": CUSTOMER,
					"name": customer.name,
					"description": rng.choice(TASKS),
					# one in four due today, so the form's "today's tasks" has some
					"date": nowdate() if rng.random() < 0.25 else add_days(nowdate(), rng.randint(-10, 30)),
					"priority": rng.choice(("Low", "Medium", "High")),
				}
			)
	finally:
		frappe.set_user(user)
	return len(customers)


def make_team(staff: list[str]) -> int:
	"""The staff as one Frappe User Group: the team whose open customer tasks the workspace lists."""
	if frappe.db.exists("User Group", DEMO_TEAM):
		return 0
	frappe.get_doc(
		{"doctype": "User Group", "name": DEMO_TEAM, "user_group_members": [{"user": u} for u in staff]}
	).insert(ignore_permissions=True)
	return 1


def make_files(customers: list, rng: random.Random) -> int:
	"""Custom folders with a file in them, a file in no folder, and a file on an engagement (which makes
	the engagement's folder inside the customer's), as the Files tab shows them."""
	made = 0
	engagements = dict(
		frappe.get_all(
			ENGAGEMENT,
			filters={"customer": ("in", [c.name for c in customers] or [""])},
			fields=["customer", "name"],
			as_list=True,
		)
	)
	for customer in customers:
		for folder_name in rng.sample(FOLDERS, k=rng.randint(1, 2)):
			folder = add_folder(customer.name, folder_name)
			made += demo_file(CUSTOMER, customer.name, f"{folder_name.lower()}-{made}.txt", folder)
		made += demo_file(CUSTOMER, customer.name, f"notes-{made}.txt")
		if customer.name in engagements:
			made += demo_file(ENGAGEMENT, engagements[customer.name], f"brief-{made}.txt")
	return made


def demo_file(doctype: str, name: str, file_name: str, folder: str | None = None) -> int:
	frappe.get_doc(
		{
			"doctype": "File",
			"file_name": file_name,
			"content": f"Demo file {file_name}".encode(),
			"is_private": 1,
			"attached_to_doctype": doctype,
			"attached_to_name": name,
			**({"folder": folder} if folder else {}),
		}
	).insert(ignore_permissions=True)
	return 1


def make_tags(customers: list, rng: random.Random) -> int:
	tags = DocTags(CUSTOMER)
	for customer in customers:
		tags.add(customer.name, rng.choice(TAGS))
	return len(customers)


def make_favourites(customers: list, staff: list[str], rng: random.Random) -> int:
	liked = 0
	for user in staff:
		for customer in rng.sample(customers, k=min(len(customers), rng.randint(4, 8))):
			_toggle_like(CUSTOMER, customer.name, "Yes", user)
			liked += 1
	return liked


def near_name(name: str, rng: random.Random) -> str:
	"""The name as someone might type it again: a letter dropped, or a company suffix changed."""
	for long, short in ((" Limited", " Ltd"), (" Ltd", " Limited"), (" and ", " & "), (" & ", " and ")):
		if long in name:
			return name.replace(long, short, 1)
	words = name.split()
	longest = max(range(len(words)), key=lambda i: len(words[i]))
	word = words[longest]
	if len(word) > 3:
		cut = rng.randint(1, len(word) - 2)
		words[longest] = word[:cut] + word[cut + 1 :]
	return " ".join(words)


def make_near_duplicates(customers: list, rng: random.Random) -> int:
	"""A customer entered twice: the same phone, the name typed a little differently, no email (a
	shared email would be refused as an exact duplicate)."""
	for customer in customers:
		frappe.get_doc(
			{
				"doctype": CUSTOMER,
				"customer_name": near_name(customer.customer_name, rng),
				"phone": customer.phone,
			}
		).insert()
	return len(customers)


def give_consent(names: list[str], rng: random.Random) -> int:
	"""Marketing consent on about a third of these contacts that have an email, given a few days
	after the contact was made (privacy.consent keeps the same date on a save)."""
	contacts = frappe.get_all(
		"Contact",
		filters={"name": ("in", [n for n in names if n]), "email_id": ("is", "set")},
		fields=["name", "creation"],
		order_by="name",
		limit_page_length=0,
	)
	chosen = [c for c in contacts if rng.random() < 0.35]
	for contact in chosen:
		frappe.db.set_value(
			"Contact",
			contact.name,
			{"marketing_consent": 1, "consent_date": contact.creation + timedelta(days=rng.randint(0, 10))},
			update_modified=False,
		)
	return len(chosen)
