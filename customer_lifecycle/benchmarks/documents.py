"""Speed of generating a document, beside Frappe's own floor for a PDF measured in the same run.

The site gets `customers` customers (benchmarks.volume), invoices for the billable ones (the billing
suite's, so statements have rows to list) and, once, DOCUMENTS_IN_TABLE generated documents with
their File rows written in bulk, so the Generated Document and File tables and the customers'
folders hold what a firm's years of letters leave; later runs reuse them.

- the floor: `frappe.get_print` of a minimal DocType's record with a one-line print format, to PDF
  with the site's default letter head: what Frappe itself costs for any PDF (the print view, then
  wkhtmltopdf);
- generating one document as staff do (customers/documents/generation.generate: the context, the
  template rendered, the record saved, Frappe's print view of it with the letter head, wkhtmltopdf,
  the PDF filed in the customer's folder), the three example templates in turn, engagement letters
  for engagements: p50 and p95 (target p95 <= 1,500 ms), and p95 as a ratio to the floor;
- its parts: the context with the template rendered (no PDF); the tab's page of a customer's
  documents.

Floor and generation are timed in turns, each call committed, so a busy machine slows both alike.
The documents generated are deleted (with their PDFs) at the end.
"""

import random
import time

import frappe
from frappe.utils import now_datetime

from customer_lifecycle.benchmarks.billing import ensure_invoices
from customer_lifecycle.benchmarks.foundation import MINIMAL, ensure_minimal_doctype
from customer_lifecycle.benchmarks.stats import percentile, summary
from customer_lifecycle.benchmarks.volume import billable_customers, ensure_customers
from customer_lifecycle.customers.documents import context, generation, listing, rendering
from customer_lifecycle.customers.files import ensure_folder
from customer_lifecycle.utils.doctypes import CUSTOMER, DOCUMENT_TEMPLATE, ENGAGEMENT, GENERATED_DOCUMENT
from customer_lifecycle.utils.naming import reserve_names

DOCUMENTS_IN_TABLE = 20_000
# generation writes a PDF each time: a few dozen samples, whatever --samples says
MAX_SAMPLES = 40
MINIMAL_PRINT_FORMAT = "CL Benchmark Minimal"
TARGET_P95_MS = 1500
BULK_BATCH = 2000


def main(customers: int, inserts: int, samples: int, echo=print) -> dict:
	ensure_customers(customers, echo)
	billable = billable_customers(min(customers, 2000))
	if ensure_invoices(billable):
		from customer_lifecycle.billing.figures import write_all

		write_all()
	frappe.db.commit()
	templates = frappe.get_all(DOCUMENT_TEMPLATE, filters={"disabled": 0}, pluck="name", order_by="name")
	if not templates:
		echo("No enabled Document Template: nothing to measure.")
		return {}
	made = ensure_documents(billable, templates, echo)
	echo(
		f"{frappe.db.count(GENERATED_DOCUMENT)} generated documents and {frappe.db.count('File')} files"
		f" in the tables ({made} written now)"
	)
	count = max(1, min(samples, MAX_SAMPLES))
	plan = sample_plan(billable, templates, count)
	floor_doc = ensure_floor_record()

	floor, generate, generated = [], [], []
	try:
		# one of each first: caches warm, fonts loaded by wkhtmltopdf
		print_floor(floor_doc)
		generated.append(generation.generate(*plan[0]).name)
		frappe.db.commit()
		for customer, template, engagement in plan:
			floor.append(timed(lambda: print_floor(floor_doc)))
			generate.append(
				timed(
					lambda c=customer, t=template, e=engagement: generated.append(
						generation.generate(c, t, e).name
					)
				)
			)
		echo(summary("Frappe's floor: frappe.get_print of a minimal print format to PDF", floor))
		echo(
			summary(
				"Generate one document (render, save, print to PDF, file)",
				generate,
				f"p95 <= {TARGET_P95_MS} ms",
			)
		)
		ratio = percentile(generate, 95) / percentile(floor, 95)
		echo(f"  generate p95 / floor p95: {ratio:.2f}")
		figures = {
			"floor_p50_ms": percentile(floor, 50),
			"floor_p95_ms": percentile(floor, 95),
			"generate_p50_ms": percentile(generate, 50),
			"generate_p95_ms": percentile(generate, 95),
			"generate_to_floor": ratio,
		}
		figures.update(parts(plan, echo))
	finally:
		frappe.db.rollback()
		for name in generated:
			frappe.delete_doc(GENERATED_DOCUMENT, name, ignore_permissions=True, force=True)
		frappe.db.commit()
	return figures


def timed(fn) -> float:
	start = time.perf_counter()
	fn()
	frappe.db.commit()
	return (time.perf_counter() - start) * 1000


def sample_plan(billable: list, templates: list[str], count: int) -> list[tuple]:
	"""(customer, template, engagement) for each sample: the templates in turn, each for a customer
	that has an engagement (given to the template when it is about one)."""
	names = [c.name for c in billable]
	engagements = frappe.get_all(
		ENGAGEMENT, filters={"customer": ("in", names)}, fields=["name", "customer"], order_by="name"
	)
	rng = random.Random(count)
	plan = []
	for i in range(count):
		template = templates[i % len(templates)]
		if engagements:
			row = rng.choice(engagements)
			plan.append((row.customer, template, row.name if "Engagement" in template else None))
		else:
			plan.append((rng.choice(names), template, None))
	return plan


def parts(plan: list[tuple], echo) -> dict:
	"""What generation costs before the PDF, and the tab's page of a customer's documents."""
	sources = {name: frappe.db.get_value(DOCUMENT_TEMPLATE, name, "template") for _c, name, _e in plan}
	ms = []
	for customer, template, engagement in plan:
		start = time.perf_counter()
		rendering.render(sources[template], context.document_context(customer, engagement))
		ms.append((time.perf_counter() - start) * 1000)
	echo(summary("  of which the context and the template rendered (no PDF)", ms))
	busiest = frappe.db.sql(
		f"select customer from `tab{GENERATED_DOCUMENT}` group by customer order by count(*) desc limit 1"
	)[0][0]
	page = []
	for _i in range(len(plan)):
		start = time.perf_counter()
		listing.page(busiest, 0)
		page.append((time.perf_counter() - start) * 1000)
	echo(
		summary(
			f"The Generated Docs tab's first page ({frappe.db.count(GENERATED_DOCUMENT, {'customer': busiest})} documents)",
			page,
			"p95 <= 50 ms",
		)
	)
	return {"render_p95_ms": percentile(ms, 95), "tab_p95_ms": percentile(page, 95)}


# --- Frappe's floor ------------------------------------------------------------------------------


def ensure_floor_record() -> str:
	"""A record of the minimal DocType, with a print format that prints its title."""
	ensure_minimal_doctype()
	if not frappe.db.exists("Print Format", MINIMAL_PRINT_FORMAT):
		frappe.get_doc(
			{
				"doctype": "Print Format",
				"name": MINIMAL_PRINT_FORMAT,
				"doc_type": MINIMAL,
				"module": "Customers",
				"custom_format": 1,
				"print_format_type": "Jinja",
				"standard": "No",
				"html": "<p>{{ doc.title }}</p>",
			}
		).insert(ignore_permissions=True)
	name = frappe.db.get_value(MINIMAL, {"title": "Benchmark letter"}, "name")
	if not name:
		name = frappe.get_doc({"doctype": MINIMAL, "title": "Benchmark letter"}).insert().name
	frappe.db.commit()
	return name


def print_floor(name: str) -> bytes:
	return frappe.get_print(MINIMAL, name, MINIMAL_PRINT_FORMAT, as_pdf=True, no_letterhead=0)


# --- the documents already there ----------------------------------------------------------------


def ensure_documents(billable: list, templates: list[str], echo) -> int:
	"""Write DOCUMENTS_IN_TABLE generated documents in bulk (the first time), each with a File row in
	its customer's folder: one real PDF, stored once, stands for all of them."""
	have = frappe.db.count(GENERATED_DOCUMENT)
	wanted = DOCUMENTS_IN_TABLE - have
	if wanted <= 0 or not billable:
		return 0
	echo(f"Writing {wanted} generated documents in bulk ...")
	started = time.perf_counter()
	sample = generation.generate(billable[0].name, templates[0])
	pdf_url, body = sample.file_url, sample.body
	frappe.db.commit()
	rng = random.Random(wanted)
	user = frappe.session.user
	now = now_datetime()
	names = reserve_names("GDOC-.YYYY.-.#####", wanted)
	folders = {}
	for start in range(0, wanted, BULK_BATCH):
		documents, files = [], []
		for name in names[start : start + BULK_BATCH]:
			customer = rng.choice(billable)
			template = rng.choice(templates)
			folder = folders.get(customer.name) or folders.setdefault(
				customer.name, ensure_folder(customer.name)
			)
			file_name = frappe.generate_hash(length=10)
			files.append(
				(
					file_name,
					now,
					now,
					user,
					user,
					f"{name}.pdf",
					pdf_url,
					1,
					0,
					folder,
					CUSTOMER,
					customer.name,
				)
			)
			documents.append(
				(
					name,
					now,
					now,
					user,
					user,
					customer.name,
					customer.customer_name,
					template,
					template,
					body,
					file_name,
					pdf_url,
					1 if rng.random() < 0.3 else 0,
				)
			)
		frappe.db.bulk_insert(
			"File",
			(
				"name",
				"creation",
				"modified",
				"owner",
				"modified_by",
				"file_name",
				"file_url",
				"is_private",
				"is_folder",
				"folder",
				"attached_to_doctype",
				"attached_to_name",
			),
			files,
		)
		frappe.db.bulk_insert(
			GENERATED_DOCUMENT,
			(
				"name",
				"creation",
				"modified",
				"owner",
				"modified_by",
				"customer",
				"customer_name",
				"document_template",
				"title",
				"body",
				"file",
				"file_url",
				"shared_on_portal",
			),
			documents,
		)
		frappe.db.commit()
	echo(f"  done in {time.perf_counter() - started:.1f} s")
	return wanted
