"""Import speed: the fast path (Customer Import) beside Frappe's Data Import, on the same rows.

A Faker CSV of 100k customers (most with a billing address, local and international phone
formats, mixed-case emails) with 2% deliberately broken rows is imported by the Customer Import
job, run here synchronously; a 5k-row sample of the same file goes through Frappe's Data Import
(the Customer controller, one row at a time) first, so that the big clean-up after the fast path
(the database purging 100k deleted customers) slows neither. The same rows are then imported
again as another product exports them (HubSpot's contact columns), through a mapping: first and
last names joined, a company name giving the type, a mobile number where the phone is empty, and
a lifecycle stage kept in a note on each customer. All run as a dedicated benchmark user, so what
they created is found by its owner and removed afterwards: the site is left as it was. The
machine's load average is printed with each figure: they are CPU-bound.
"""

import csv
import io
import os
import random
import time

import frappe
import phonenumbers
from faker import Faker

from customer_lifecycle.benchmarks.cleanup import remove_customers
from customer_lifecycle.customers.doctype.customer.customer import site_country_code
from customer_lifecycle.customers.doctype.customer_import.customer_import import run_import
from customer_lifecycle.customers.importer.rules import FIELDS
from customer_lifecycle.demo.customers import FakeCustomers
from customer_lifecycle.utils.doctypes import NOTE

ROWS = 100_000
SAMPLE = 5_000
BROKEN_EVERY = 50  # 2%
BENCH_USER = "cl.benchmark.importer@example.com"
# what makes a row bad, in turn. (No bad Customer Type: Frappe's Data Import refuses a whole file
# with an unknown Select value before importing anything, and there would be nothing to compare.)
BREAKAGES = (
	("customer_name", "  "),
	("email", "not-an-email@"),
	("phone", "12345"),
)
# the columns of a HubSpot contacts export (make_hubspot_file) and its lifecycle stages
HUBSPOT_COLUMNS = (
	"Record ID",
	"First Name",
	"Last Name",
	"Email",
	"Phone Number",
	"Mobile Phone Number",
	"Company Name",
	"Lifecycle Stage",
	"Lead Status",
	"Create Date",
	"Street Address",
	"City",
	"Postal Code",
	"Country/Region",
	"Notes",
)
HUBSPOT_STAGES = ("Subscriber", "Lead", "Marketing Qualified Lead", "Opportunity", "Customer", "Evangelist")


def main(customers: int, inserts: int, samples: int, echo=print) -> dict:
	# customers, inserts and samples are the other suites' knobs; this one's sizes are fixed
	user = ensure_bench_user()
	rows = make_rows(ROWS, seed=2026)
	content = make_file(rows)
	mapped = make_hubspot_file(rows, seed=2026)
	sample = b"\n".join(content.split(b"\n")[: SAMPLE + 1]) + b"\n"
	echo(f"File: {ROWS} rows, {ROWS // BROKEN_EVERY} of them broken ({len(content) / 1e6:.1f} MB)")
	frappe.set_user(user)
	try:
		slow = data_import(sample, echo)
		remove_created(user)
		settle(echo)
		fast = fast_path(content, echo)
		remove_created(user)
		settle(echo)
		fast_mapped = fast_path(mapped, echo, mapped=True)
	finally:
		frappe.set_user("Administrator")
		remove_created(user)
	echo(f"Fast path / Data Import: {fast['fast_rows_per_s'] / slow['data_import_rows_per_s']:.0f}x")
	echo(
		f"Fast path: {fast['fast_rows_per_s']:.0f} rows/s plain, {fast_mapped['mapped_rows_per_s']:.0f}"
		f" rows/s with a mapping ({fast_mapped['mapped_rows_per_s'] / fast['fast_rows_per_s']:.2f}x)"
	)
	return {**fast, **fast_mapped, **slow}


def make_rows(count: int, seed: int) -> list[dict]:
	"""Customer rows as people export them from elsewhere (Customer fieldnames as keys). The same
	for a seed: Faker picks among its locales with its shared random generator, seeded here."""
	Faker.seed(seed)
	fake = FakeCustomers(seed, site_country_code())
	categories = frappe.get_all("Customer Category", pluck="name")
	country = frappe.get_system_settings("country")
	rows = []
	for i in range(1, count + 1):
		row = fake.customer(categories)
		if row["phone"] and fake.rng.random() < 0.5:
			row["phone"] = phonenumbers.format_number(
				phonenumbers.parse(row["phone"]), phonenumbers.PhoneNumberFormat.NATIONAL
			)
		if row["email"] and fake.rng.random() < 0.3:
			row["email"] = row["email"].title()
		if fake.rng.random() < 0.7:
			row.update(
				address_line1=fake.fake.street_address().replace("\n", ", "),
				city=fake.fake.city(),
				pincode=fake.fake.postcode(),
				country=country,
			)
		if i % BROKEN_EVERY == 0:
			fieldname, value = BREAKAGES[(i // BROKEN_EVERY) % len(BREAKAGES)]
			row[fieldname] = value
		rows.append(row)
	return rows


def make_file(rows: list[dict]) -> bytes:
	"""The rows as a CSV with Customer labels as headers: imported without a mapping."""
	meta = frappe.get_meta("Customer")
	out = io.StringIO()
	writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
	out.write(",".join(meta.get_label(f) for f in FIELDS) + "\n")
	writer.writerows(rows)
	return out.getvalue().encode()


def make_hubspot_file(rows: list[dict], seed: int) -> bytes:
	"""The same rows as HubSpot exports contacts: its column titles, people's first and last names
	apart (a company's name in Company Name), the phone in Mobile Phone Number for some, a lifecycle
	stage for most, and columns that are not imported (record id, dates, lead status)."""
	rng = random.Random(seed)
	out = io.StringIO()
	writer = csv.writer(out, lineterminator="\r\n")
	writer.writerow(HUBSPOT_COLUMNS)
	for number, row in enumerate(rows, 51000):
		person = row["customer_type"] == "Individual"
		name = row["customer_name"] or ""
		first, _space, last = name.partition(" ") if person else ("", "", "")
		mobile = rng.random() < 0.3
		writer.writerow(
			[
				number,
				first,
				last,
				row["email"] or "",
				"" if mobile else row["phone"] or "",
				row["phone"] or "" if mobile else "",
				"" if person else name,
				rng.choice(HUBSPOT_STAGES) if rng.random() < 0.9 else "",
				rng.choice(("New", "Open", "In progress", "")),
				f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
				row.get("address_line1") or "",
				row.get("city") or "",
				row.get("pincode") or "",
				row.get("country") or "",
				row["notes"] or "",
			]
		)
	return out.getvalue().encode()


def attach(filename: str, content: bytes) -> str:
	file = frappe.get_doc({"doctype": "File", "file_name": filename, "is_private": 1, "content": content})
	return file.insert(ignore_permissions=True).file_url


def fast_path(content: bytes, echo, mapped: bool = False) -> dict:
	"""The Customer Import job on the file; `mapped`: a HubSpot-shaped file, through the mapping its
	columns are given when the import is saved (as a person would leave the suggestions)."""
	filename = "bench-hubspot-contacts.csv" if mapped else "bench-customers.csv"
	doc = frappe.get_doc({"doctype": "Customer Import", "import_file": attach(filename, content)})
	doc.insert()
	frappe.db.commit()
	if mapped:
		used = ", ".join(f"{row.column} -> {row.field}" for row in doc.columns if row.field)
		echo(f"Mapping: {used}")
	load = load_average()
	start = time.perf_counter()
	run_import(doc.name)
	seconds = time.perf_counter() - start
	doc.reload()
	rate = doc.total_rows / seconds
	title = "with a mapping (HubSpot columns)" if mapped else "plain (Customer labels)"
	notes = frappe.db.count(NOTE, {"owner": frappe.session.user}) if mapped else 0
	echo(
		f"Fast path (Customer Import job), {title}: {doc.total_rows} rows in {seconds:.1f} s = {rate:.0f} rows/s"
		f"  (target >= 5000); inserted {doc.inserted}, duplicates {doc.duplicates}, rejected {doc.rejected}"
		+ (f", stage notes {notes}" if mapped else "")
		+ f"; {load}"
	)
	prefix = "mapped" if mapped else "fast"
	return {
		f"{prefix}_rows_per_s": rate,
		f"{prefix}_inserted": doc.inserted,
		f"{prefix}_rejected": doc.rejected,
		f"{prefix}_duplicates": doc.duplicates,
	}


def data_import(content: bytes, echo) -> dict:
	from frappe.core.doctype.data_import.data_import import start_import

	doc = frappe.get_doc(
		{
			"doctype": "Data Import",
			"reference_doctype": "Customer",
			"import_type": "Insert New Records",
			"import_file": attach("bench-customers-sample.csv", content),
		}
	).insert()
	frappe.db.commit()
	load = load_average()
	start = time.perf_counter()
	start_import(doc.name)
	seconds = time.perf_counter() - start
	done = frappe.db.count("Data Import Log", {"data_import": doc.name, "success": 1})
	rate = doc.payload_count / seconds
	echo(
		f"Frappe Data Import (5k-row sample of the same file): {doc.payload_count} rows in {seconds:.1f} s"
		f" = {rate:.0f} rows/s; inserted {done}; {load}"
	)
	return {"data_import_rows_per_s": rate, "data_import_inserted": done}


def settle(echo, limit: int = 180) -> None:
	"""Wait (up to `limit` seconds) for the CPUs to be at least three quarters idle. After a large
	clean-up (this suite's, run before) the database purges the deleted rows in the background for
	a minute or two, on one CPU or more: timing the fast path then would time the purge as well."""
	start = time.monotonic()
	while time.monotonic() - start < limit:
		idle = cpu_idle(3)
		if idle is None or idle >= 0.75:
			break
	else:
		echo(f"The machine stayed busy ({idle:.0%} idle); timing anyway")
		return
	if time.monotonic() - start > 4:
		echo(f"Waited {time.monotonic() - start:.0f} s for the machine to settle")


def cpu_idle(seconds: float) -> float | None:
	"""The share of CPU time idle over `seconds` (Linux /proc/stat), None where there is none."""

	def sample():
		with open("/proc/stat") as f:
			values = [int(v) for v in f.readline().split()[1:]]
		return values[3] + values[4], sum(values)

	try:
		idle, total = sample()
		time.sleep(seconds)
		idle_after, total_after = sample()
	except (OSError, ValueError, IndexError):
		return None
	return (idle_after - idle) / max(total_after - total, 1)


def load_average() -> str:
	one, five, _fifteen = os.getloadavg()
	return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs at the start"


def ensure_bench_user() -> str:
	"""The user the imports run as: what it owns afterwards is what the benchmark made."""
	if not frappe.db.exists("User", BENCH_USER):
		frappe.get_doc(
			{
				"doctype": "User",
				"email": BENCH_USER,
				"first_name": "Import Benchmark",
				"send_welcome_email": 0,
			}
		).insert(ignore_permissions=True)
	# Data Import is System Manager's (Frappe's own permission); Customer Import is Customer Manager's too
	frappe.get_doc("User", BENCH_USER).add_roles("Customer Manager", "System Manager")
	frappe.db.commit()
	return BENCH_USER


def remove_created(user: str) -> None:
	remove_customers(frappe.get_all("Customer", filters={"owner": user}, pluck="name"))
	for doctype in ("Customer Import", "Data Import"):
		for name in frappe.get_all(doctype, filters={"owner": user}, pluck="name"):
			frappe.db.delete("Data Import Log", {"data_import": name})
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
	for name in frappe.get_all("File", filters={"owner": user, "is_folder": 0}, pluck="name"):
		frappe.delete_doc("File", name, force=True, ignore_permissions=True)
	frappe.db.commit()
