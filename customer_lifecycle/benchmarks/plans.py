"""Speed and query count of the daily service plan job (service.job.run) at 1,000 and 10,000
subscriptions (at most --customers).

Data, made inside the measuring transaction and rolled back after each size, so the site is left as
it was (but for the customers ensure_customers makes, and five staff users): the first N customers
made active, each with a site address (with an access contact) and a subscription starting today to
one of four plans (weekly with 2 visits, monthly with 2, quarterly, yearly; 14 days ahead), the visits
made by one of five staff users. That is the heaviest day there is: every subscription has its
visits of the next 14 days to make and its first period to invoice.

For each size: the first run (everything due), a second run the same day (nothing to make), and the
next day's run (a usual day), each with its time, its queries by kind, and what it made (target: the
first run <= 60 s at 10k; the same query count at both sizes, but for INSERTs past
utils.bulk.INSERT_BYTES, which are sent in more statements).
"""

import time
from collections import Counter
from datetime import timedelta

import frappe
from frappe.utils import getdate, now_datetime, nowdate

from customer_lifecycle.benchmarks.reports import counting_queries
from customer_lifecycle.benchmarks.volume import ensure_customers
from customer_lifecycle.demo.service import ensure_plans
from customer_lifecycle.demo.staff import ensure_user
from customer_lifecycle.lifecycle.engine import get_settings
from customer_lifecycle.service import job
from customer_lifecycle.utils.bulk import insert_rows
from customer_lifecycle.utils.doctypes import CUSTOMER, STATE_FIELD, SUBSCRIPTION

SIZES = (1_000, 10_000)
STAFF = tuple(f"cl.bench.field{i}@example.com" for i in range(1, 6))
# as demo.service.PLANS: name, frequency, visits per period, price, visit time, minutes, description
PLANS = (
	("Bench Weekly", "Weekly", 2, 40, "09:00", 60, None),
	("Bench Monthly", "Monthly", 2, 150, "10:00", 60, None),
	("Bench Quarterly", "Quarterly", 1, 300, "11:00", 90, None),
	("Bench Yearly", "Yearly", 1, 900, "14:00", 120, None),
)


def main(customers: int, inserts: int, samples: int, echo=print) -> dict:
	sizes = [size for size in SIZES if size <= customers] or [customers]
	ensure_customers(max(sizes), echo)
	ensure_staff()
	everyone = frappe.get_all(CUSTOMER, pluck="name", order_by="name", limit=max(sizes))
	figures, counts = {}, {}
	for size in sizes:
		frappe.db.rollback()
		make_subscriptions(everyone[:size])
		warm_up(everyone[0])
		today = getdate(nowdate())
		for label, day in (
			("first run", today),
			("second run", today),
			("next day", today + timedelta(days=1)),
		):
			start = time.perf_counter()
			with counting_queries() as calls:
				done = job.run(day)
			seconds = time.perf_counter() - start
			kinds = Counter(query.lstrip().split(None, 1)[0].lower() for query in calls)
			echo(
				f"plans job, {size} subscriptions, {label}: {seconds:.2f} s, {len(calls)} queries "
				f"({', '.join(f'{n} {kind}' for kind, n in sorted(kinds.items()))}); "
				f"{len(done.visits)} visits, {len(done.invoices)} invoices made"
				+ ("  (target <= 60 s)" if label == "first run" else "")
			)
			key = f"{size}_{label.replace(' ', '_')}"
			figures[f"{key}_s"], figures[f"{key}_queries"] = seconds, len(calls)
			counts[size, label] = kinds
		frappe.db.rollback()
	if len(sizes) > 1:
		small, large = sizes
		for label in ("first run", "second run", "next day"):
			a, b = counts[small, label], counts[large, label]
			same = "the same" if a == b else f"{sum(a.values())} and {sum(b.values())}"
			differ = {kind: (a[kind], b[kind]) for kind in set(a) | set(b) if a[kind] != b[kind]}
			echo(
				f"  {label}: query count at {small} and {large}: {same}"
				+ (f" (by kind: {differ})" if differ else "")
			)
	return figures


def ensure_staff() -> None:
	"""Five staff users who make the visits (committed once)."""
	for email in STAFF:
		ensure_user(email, ("Customer User",))
	frappe.db.commit()


def make_subscriptions(customers: list[str], prefix: str = "BENCH") -> None:
	"""Every customer active, with a site address and a subscription starting today (in bulk)."""
	settings = get_settings()
	frappe.db.set_value(
		CUSTOMER, {"name": ("in", customers)}, STATE_FIELD, settings.active_state, update_modified=False
	)
	ensure_plans(PLANS)
	now, user, today = now_datetime(), frappe.session.user, getdate(nowdate())
	standard = {
		"creation": now,
		"modified": now,
		"owner": user,
		"modified_by": user,
		"docstatus": 0,
		"idx": 0,
	}
	country = frappe.get_system_settings("country") or "United Kingdom"
	addresses, links, subscriptions = [], [], []
	for i, customer in enumerate(customers):
		address = f"{prefix}-SITE-{i:06d}"
		addresses.append(
			{
				**standard,
				"name": address,
				"address_title": f"Site {i}",
				"address_type": "Other",
				"address_line1": f"{i} Bench Street",
				"city": "Leeds",
				"pincode": "LS1 4AP",
				"country": country,
				"is_site_address": 1,
				"access_contact_name": f"Keyholder {i}",
				"access_contact_phone": "+44 7700 900123",
				"access_contact_relationship": "Tenant",
				"access_notes": "Key safe by the back door, code on request",
			}
		)
		links.append(
			{
				**standard,
				"name": f"{prefix}-LINK-{i:06d}",
				"idx": 1,
				"parent": address,
				"parenttype": "Address",
				"parentfield": "links",
				"link_doctype": CUSTOMER,
				"link_name": customer,
			}
		)
		subscriptions.append(
			{
				**standard,
				"name": f"{prefix}-SVC-{i:06d}",
				"naming_series": "SVC-.YYYY.-.#####",
				"customer": customer,
				"plan": PLANS[i % len(PLANS)][0],
				"site_address": address,
				"assigned_to": STAFF[i % len(STAFF)],
				"start_date": today,
				"next_visit_date": today,
				"visit_anchor": today,
				"next_invoice_date": today,
				"status": "Active",
			}
		)
	insert_rows("Address", addresses)
	insert_rows("Dynamic Link", links)
	insert_rows(SUBSCRIPTION, subscriptions)


def warm_up(customer: str) -> None:
	"""Load what a running server has cached (DocType meta, the settings, who gets notifications):
	a run for one more subscription, undone."""
	frappe.db.savepoint("plans_warm_up")
	make_subscriptions([customer], prefix="BENCH-WARM")
	job.run(names=["BENCH-WARM-SVC-000000"])
	frappe.db.rollback(save_point="plans_warm_up")
