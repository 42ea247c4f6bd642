# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

"""Customer Import: the fast path for large customer files, run as a background job.

Saved with its file, an import lists the file's columns, each with its first values and what it is
imported as: the saved mapping (Customer Import Mapping) for files with the same columns, or else
the suggestions (importer/mapping.py). The user corrects them, may save them as a mapping, and
starts the import.

The job reads the file, turns the columns into the checker's column plan once, and for each chunk
of rows: checks them (RowChecker), sorts out duplicates within the file and against the table (one
query), and writes the good rows in bulk as one transaction, so rows already written are kept
whatever happens later, and a chunk the database refuses leaves nothing behind. Chunks are written
by background writers on connections of their own while the next ones are checked. Bad and
duplicate rows go to a private error file (row number, field, value, reason); none of them is
written.

An import whose worker dies (killed, or its database gone) cannot say so itself: its run leaves a
sign of life (utils/jobs.py), and the watchdog that runs every minute, a new import's start, and
starting this import again each mark such an import Failed with the reason and how far it got.
Importing the file again adds the rest: rows already written are found as duplicates.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, flt, now_datetime

from customer_lifecycle.customers.doctype.customer_import_mapping import customer_import_mapping as mappings
from customer_lifecycle.customers.importer.background import (
	BackgroundLookups,
	BackgroundWriters,
	cycle_collection_paused,
)
from customer_lifecycle.customers.importer.checking import (
	Duplicate,
	Origin,
	RowChecker,
	RowError,
	SeenKeys,
	error_csv,
	sort_out,
)
from customer_lifecycle.customers.importer.mapping import (
	OPTIONS,
	SAMPLE_ROWS,
	first_values,
	header_key,
	mapped_targets,
	plan_columns,
	suggest,
)
from customer_lifecycle.customers.importer.reading import (
	EXTENSIONS,
	ImportFileError,
	extension_of,
	read_table,
	split_header,
)
from customer_lifecycle.customers.importer.rules import Rules, site_rules
from customer_lifecycle.customers.importer.writer import Batch, CustomerWriter
from customer_lifecycle.lifecycle import engine
from customer_lifecycle.utils import jobs
from customer_lifecycle.utils.doctypes import CUSTOMER_IMPORT, IMPORT_MAPPING

CHUNK = 2500
# the smallest chunk at either end of a file (chunk_bounds)
MIN_CHUNK = 250
# background writers, each on a database connection of its own (0: chunks are written on the site's)
WRITERS = 3
RUNNING = ("Queued", "Running")
COUNTS = ("total_rows", "inserted", "duplicates", "rejected")
REFRESH_EVENT = "customer_import_refresh"
# a column title as the form keeps it (Customer Import Column.column, a Data field)
TITLE_LENGTH = 140


class CustomerImport(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from customer_lifecycle.customers.doctype.customer_import_column.customer_import_column import (
			CustomerImportColumn,
		)

		columns: DF.Table[CustomerImportColumn]
		duplicates: DF.Int
		error_file: DF.Attach | None
		finished: DF.Datetime | None
		header_key: DF.Data | None
		import_file: DF.Attach
		inserted: DF.Int
		mapping: DF.Link | None
		message: DF.SmallText | None
		progress: DF.Percent
		rejected: DF.Int
		started: DF.Datetime | None
		status: DF.Literal["Pending", "Queued", "Running", "Completed", "Completed with Errors", "Failed"]
		total_rows: DF.Int
	# end: auto-generated types

	def validate(self):
		self.check_file_type()
		self.check_not_running()
		self.set_columns()

	def check_file_type(self) -> None:
		if self.import_file and extension_of(self.import_file) not in EXTENSIONS:
			frappe.throw(
				_("{0}: import a .csv or .xlsx file.").format(
					frappe.bold(_(self.meta.get_label("import_file")))
				),
				title=_("Wrong File Type"),
			)

	def check_not_running(self) -> None:
		if self.is_new() or self.status not in RUNNING:
			return
		before = self.get_doc_before_save()
		fields = [row.field for row in self.columns]
		if self.has_value_changed("import_file") or [row.field for row in before.columns] != fields:
			frappe.throw(_("The file and its columns cannot be changed while it is being imported."))

	def set_columns(self) -> None:
		"""A new file's columns are read (read_columns); the user's changes to them are checked."""
		if self.import_file and (self.has_value_changed("import_file") or not self.columns):
			self.read_columns()
		elif self.columns:
			mappings.check_columns(self.columns)

	def read_columns(self) -> None:
		"""The file's columns, each with its first values and what it is imported as (initial_targets).
		The user must be able to read the file. A file that cannot be read gets no columns: the
		import then fails and says why."""
		self.check_file_permission()
		self.set("columns", [])
		self.mapping = self.header_key = None
		try:
			header, rows = split_header(
				read_table(self.file_content(), extension_of(self.import_file), limit=4 * SAMPLE_ROWS)
			)
		except ImportFileError:
			return
		sample = [cells for _number, cells in rows[:SAMPLE_ROWS]]
		titles = column_titles(header)
		self.mapping, targets = initial_targets(titles, sample, site_rules())
		self.header_key = header_key(titles)
		for index, (title, target) in enumerate(zip(titles, targets, strict=True)):
			self.append(
				"columns",
				{"column": title, "field": OPTIONS.get(target, ""), "sample": first_values(sample, index)},
			)

	def targets(self, header: list[str], rows: list[list[str]], rules: Rules) -> list[str | None]:
		"""What each column of the file is imported as: the form's columns, when they are this
		file's; else (an import saved before imports had columns) as read_columns would set them."""
		titles = column_titles(header)
		if [row.column or "" for row in self.columns] == titles:
			return mappings.targets_of(self.columns)
		return initial_targets(titles, rows, rules)[1]

	def save_mapping(self, mapping_name: str) -> str:
		"""Keep what the columns are imported as under a name, for the next file with these columns."""
		if not self.columns:
			frappe.throw(_("This import has no columns to keep: attach a file with a header row and save."))
		self.db_set("mapping", mappings.save(mapping_name, self.columns))
		return self.mapping

	def file_content(self) -> bytes:
		content = frappe.get_doc("File", {"file_url": self.import_file}).get_content()
		return content.encode() if isinstance(content, str) else content

	def onload(self):
		# a run whose worker died shows so at once, before the watchdog marks it Failed
		if self.status in RUNNING:
			self.set_onload("stopped", why_stopped(self))

	def enqueue_import(self) -> None:
		"""Queue the import job (again, for a file imported before: nothing is created twice). An
		import still marked running whose run has died is marked Failed first, then run again."""
		if self.status in RUNNING and not fail_if_dead(self):
			frappe.throw(
				_("This import is already {0}.").format(_(self.status).lower()), title=_("Import Running")
			)
		self.check_file_permission()
		frappe.delete_doc(
			"File",
			frappe.get_all(
				"File",
				filters={
					"attached_to_doctype": CUSTOMER_IMPORT,
					"attached_to_name": self.name,
					"attached_to_field": "error_file",
				},
				pluck="name",
			),
			ignore_permissions=True,
		)
		jobs.Run(run_key(self.name)).end()
		self.db_set(
			{
				"status": "Queued",
				"progress": 0,
				"error_file": None,
				"message": None,
				"started": None,
				"finished": None,
				**dict.fromkeys(COUNTS, 0),
			}
		)
		frappe.enqueue(
			run_import,
			queue="long",
			timeout=4 * 3600,
			job_id=job_id(self.name),
			deduplicate=True,
			enqueue_after_commit=True,
			import_name=self.name,
		)

	def check_file_permission(self) -> None:
		"""The file must be one the user may read (an Attach field holds any URL that is typed in)."""
		file = frappe.db.get_value("File", {"file_url": self.import_file}, "name")
		if not file:
			frappe.throw(
				_("{0}: the file {1} was not found.").format(
					frappe.bold(_(self.meta.get_label("import_file"))), frappe.bold(self.import_file)
				)
			)
		frappe.get_doc("File", file).check_permission("read")


def column_titles(header: list[str]) -> list[str]:
	"""The file's column titles as the form keeps them: spacing folded, cut to TITLE_LENGTH."""
	return [" ".join((title or "").split())[:TITLE_LENGTH] for title in header]


def initial_targets(titles: list[str], rows: list[list[str]], rules: Rules) -> tuple[str | None, list]:
	"""What each column is imported as before the user says: the saved mapping for files with these
	columns (the name of the mapping and its targets), or else the suggestions (None, targets)."""
	saved = mappings.saved_for(header_key(titles))
	if saved:
		return saved, mapped_targets(titles, mappings.mapped_columns(saved))
	return None, suggest(titles, rows, rules)


@frappe.whitelist(methods=["POST"])
def start_import(name: str) -> dict:
	"""The form's Start Import button: queue the job that imports the file."""
	frappe.has_permission(CUSTOMER_IMPORT, "write", name, throw=True)
	frappe.has_permission("Customer", "create", throw=True)
	doc = frappe.get_doc(CUSTOMER_IMPORT, name)
	doc.enqueue_import()
	return {"name": doc.name, "status": doc.status}


@frappe.whitelist(methods=["POST"])
def save_mapping(name: str, mapping_name: str) -> dict:
	"""The form's Save Mapping button: keep what the import's columns are imported as under a name
	(a mapping of that name is updated), offered again for the next file with the same columns."""
	frappe.has_permission(CUSTOMER_IMPORT, "write", name, throw=True)
	if frappe.db.exists(IMPORT_MAPPING, mapping_name):
		frappe.has_permission(IMPORT_MAPPING, "write", mapping_name, throw=True)
	else:
		frappe.has_permission(IMPORT_MAPPING, "create", throw=True)
	doc = frappe.get_doc(CUSTOMER_IMPORT, name)
	return {"name": doc.name, "mapping": doc.save_mapping(mapping_name)}


def job_id(import_name: str) -> str:
	"""The import's RQ job id (frappe.enqueue's job_id)."""
	return f"customer_import::{import_name}"


def run_key(import_name: str) -> str:
	"""The key of the import's sign of life (jobs.Run)."""
	return f"customer_import:{import_name}"


def run_import(import_name: str) -> None:
	"""The background job. Also called directly (the benchmark, the tests)."""
	# the next import's start sees the stale ones
	fail_dead_imports(exclude=import_name)
	doc = frappe.get_doc(CUSTOMER_IMPORT, import_name)
	run = jobs.Run.start(run_key(import_name))
	doc.db_set({"status": "Running", "started": now_datetime(), "finished": None, "progress": 0}, commit=True)
	try:
		errors, message = import_rows(doc, run)
	except ImportFileError as e:
		frappe.db.rollback()
		finish(doc, "Failed", e.message(_))
		run.end()
		return
	except Exception as e:
		# kept where a dead database cannot lose it: the watchdog says it if nothing below can
		run.failed(jobs.describe(e))
		frappe.db.rollback()
		doc.log_error(_("Customer import failed"))
		finish(
			doc,
			"Failed",
			_(
				"The import stopped on an unexpected error (see the Error Log). Rows written before it are saved; start the import again to add the rest (nothing is created twice)."
			),
		)
		run.end()
		return
	if errors:
		attach_error_file(doc, errors)
	finish(doc, "Completed with Errors" if errors else "Completed", message)
	run.end()


def why_stopped(doc) -> str | None:
	"""None while the import is queued or running with a live worker; else why it stopped."""
	return jobs.why_dead(
		jobs.Run.read(run_key(doc.name)) if doc.status == "Running" else None,
		job_id=job_id(doc.name),
		since=doc.started if doc.status == "Running" else doc.modified,
		last_seen=doc.modified,
		stale_after=jobs.STALE if doc.status == "Queued" else jobs.STALE_DIRECT,
	)


def fail_if_dead(doc) -> bool:
	"""Mark the import Failed when its run has died, saying why and how far it got; whether it had."""
	reason = why_stopped(doc)
	if not reason:
		return False
	if doc.status == "Queued":
		message = _("The import never started: {0}. Press Import Again to run it.").format(reason)
	else:
		done = cint(doc.inserted) + cint(doc.duplicates) + cint(doc.rejected)
		message = _(
			"The import stopped before it finished: {0}. It had got through {1} of {2} rows ({3}%): {4} inserted, {5} skipped as duplicates, {6} rejected. The rows written are saved; press Import Again to add the rest (nothing is created twice)."
		).format(
			reason,
			done,
			cint(doc.total_rows),
			flt(doc.progress, 1),
			cint(doc.inserted),
			cint(doc.duplicates),
			cint(doc.rejected),
		)
	doc.db_set({"status": "Failed", "finished": now_datetime(), "message": message}, notify=True)
	jobs.Run(run_key(doc.name)).end()
	jobs.bury(jobs.full_job_id(job_id(doc.name)), reason)
	frappe.publish_realtime(REFRESH_EVENT, {"name": doc.name}, doctype=CUSTOMER_IMPORT, docname=doc.name)
	return True


def fail_dead_imports(exclude: str | None = None) -> list[str]:
	"""The watchdog's check (utils/jobs.py): imports marked Queued or Running whose run has died
	become Failed. Returns their names."""
	failed = []
	for name in frappe.get_all(
		CUSTOMER_IMPORT, filters={"status": ("in", RUNNING), "name": ("!=", exclude or "")}, pluck="name"
	):
		doc = frappe.get_doc(CUSTOMER_IMPORT, name)
		if doc.status in RUNNING and fail_if_dead(doc):
			frappe.db.commit()
			failed.append(name)
	return failed


def import_rows(doc: CustomerImport, run: jobs.Run | None = None) -> tuple[list[RowError], str | None]:
	"""Import the file chunk by chunk. Returns the error file's lines and what the user is told
	about the columns (those not imported; the stage kept in notes).

	The import's columns are turned into the checker's column plan once (plan_columns): the rows
	are then read as the plan says, with no per-row look at the mapping.

	Each chunk is checked, its keys looked up in the table (one query, in the background while the
	next chunk is checked), sorted out (duplicates within the file and in the table), given its
	names (committed at once, so the naming series is not held) and built into its records by
	table here, then written by a background writer on a connection of its own, as one
	transaction, while the next chunks are checked and built (BackgroundWriters)."""
	header, rows = split_header(read_table(doc.file_content(), extension_of(doc.import_file)))
	rules = site_rules()
	sample = [cells for _number, cells in rows[:SAMPLE_ROWS]]
	plan, left_out = plan_columns(header, doc.targets(header, sample, rules), rules.labels)
	checker = RowChecker(plan, header, rules)
	writer = CustomerWriter()
	seen = SeenKeys()
	progress = Progress(doc, len(rows), run)
	duplicates: list[Duplicate] = []
	# the customers this import made: a row sharing a key with one is a duplicate of its row of the
	# file, however far the writers have got (sort_out finds those among the keys seen)
	created: set[str] = set()

	def checked():
		"""The file's chunks, checked, their keys being looked up in the table."""
		for start, end in chunk_bounds(len(rows), CHUNK):
			chunk = Chunk(size=end - start)
			for number, cells in rows[start:end]:
				values, problems = checker.check(cells, number)
				if problems:
					progress.errors.extend(problems)
					chunk.rejected += 1
				else:
					chunk.candidates.append((number, values))
			chunk.existing = lookups.submit([values for _number, values in chunk.candidates])
			yield chunk

	def write(chunk: Chunk) -> None:
		existing = {key: name for key, name in chunk.existing().items() if name not in created}
		chunk.keep, chunk.duplicates = sort_out(chunk.candidates, existing, seen)
		duplicates.extend(chunk.duplicates)
		batch = writer.prepare([values for _row, values, _origin in chunk.keep])
		# the names are the chunk's, whatever becomes of it
		frappe.db.commit()
		created.update(batch.names)
		for (_row, _values, origin), name in zip(chunk.keep, batch.names, strict=True):
			origin.customer = name
		batch.tag = chunk
		if not chunk.keep:
			progress.add(chunk)
			return
		writer.build(batch)
		writers.submit(batch)
		for written in writers.finished():
			progress.add(written.tag, save_refused(writer, written, created))

	with (
		cycle_collection_paused(),
		BackgroundWriters(WRITERS) as writers,
		BackgroundLookups(WRITERS > 0) as lookups,
	):
		# a chunk is written once the next is checked: its lookup has had that long
		previous = None
		for chunk in checked():
			if previous:
				write(previous)
			previous = chunk
		if previous:
			write(previous)
		for written in writers.stop():
			progress.add(written.tag, save_refused(writer, written, created))
	# the reasons name the customers the duplicates belong to, all written now
	progress.errors.extend(duplicate.error(rules.labels) for duplicate in duplicates)
	return progress.errors, columns_message(header, plan, left_out)


def columns_message(header: list[str], plan: dict[str, int], left_out: list[str]) -> str | None:
	"""What the user is told about the file's columns: those not imported, and where the stage went."""
	parts = []
	if left_out:
		parts.append(_("Columns not imported: {0}.").format(", ".join(left_out)))
	if "stage" in plan:
		parts.append(
			_(
				"Every imported customer starts as {0}; the stage in column {1} is kept in an Internal note on each customer whose stage is another."
			).format(_(engine.initial_state(engine.get_workflow())), header[plan["stage"]])
		)
	return " ".join(parts) or None


def chunk_bounds(total: int, size: int) -> list[tuple[int, int]]:
	"""Where the chunks of `total` rows start and end: `size` rows each, but smaller at either end,
	halving towards the first and the last. The database has nothing to write until the first
	chunk is checked, and the import's Python nothing to do while the last are written: small
	chunks there keep both at work for more of the time."""
	ramp = []
	while size // 2 ** (len(ramp) + 1) >= MIN_CHUNK:
		ramp.insert(0, size // 2 ** (len(ramp) + 1))
	sizes, done = [], 0
	for part in ramp:
		if total - done < 2 * part + 2 * size:
			break
		sizes.append(part)
		done += part
	tail = list(reversed(sizes))
	middle = total - done - sum(tail)
	sizes += [size] * (middle // size) + ([middle % size] if middle % size else []) + tail
	bounds, start = [], 0
	for part in sizes:
		bounds.append((start, start + part))
		start += part
	return bounds


@dataclass
class Chunk:
	"""Some rows of the file, on their way through the import."""

	size: int
	rejected: int = 0
	candidates: list[tuple[int, dict]] = field(default_factory=list)
	existing: Callable[[], dict] | None = None  # what the table has of their keys (BackgroundLookups)
	keep: list[tuple[int, dict, Origin]] = field(default_factory=list)
	duplicates: list[Duplicate] = field(default_factory=list)


class Progress:
	"""The import's counts, kept on its record (committed) and shown to the user as chunks finish."""

	def __init__(self, doc: CustomerImport, total: int, run: jobs.Run | None = None):
		self.doc, self.total, self.done, self.run = doc, total, 0, run
		self.counts = dict.fromkeys(COUNTS, 0)
		self.counts["total_rows"] = total
		self.errors: list[RowError] = []

	def add(self, chunk: Chunk, failed: list[RowError] = ()) -> None:
		self.errors.extend(failed)
		self.counts["inserted"] += len(chunk.keep) - len(failed)
		self.counts["rejected"] += chunk.rejected + len(failed)
		self.counts["duplicates"] += len(chunk.duplicates)
		self.done += chunk.size
		percent = 100 * self.done / max(self.total, 1)
		self.doc.db_set({**self.counts, "progress": percent}, commit=True)
		if self.run:
			self.run.beat(done=self.done, total=self.total)
		frappe.publish_progress(
			percent,
			title=_("Importing customers"),
			doctype=CUSTOMER_IMPORT,
			docname=self.doc.name,
			description=_("{0} of {1} rows").format(self.done, self.total),
		)


def save_refused(writer: CustomerWriter, batch: Batch, created: set[str]) -> list[RowError]:
	"""For a chunk the database refused (rolled back whole): each row written on its own, so one row
	the database refuses costs only that row. Returns the rows that failed."""
	if batch.error is None or frappe.db.exists("Customer", batch.names[0]):
		# written (if an error came after the commit, the chunk's customers are there)
		return []
	failed = []
	for row, values, origin in batch.tag.keep:
		try:
			origin.customer = writer.write([values])[0]
			frappe.db.commit()
			created.add(origin.customer)
		except Exception as e:
			frappe.db.rollback()
			origin.customer = None
			failed.append(RowError(row, "", "", "Could not be saved: {0}", (str(e),)))
	return failed


def attach_error_file(doc: CustomerImport, errors: list[RowError]) -> None:
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{doc.name}-errors.csv",
			"attached_to_doctype": CUSTOMER_IMPORT,
			"attached_to_name": doc.name,
			"attached_to_field": "error_file",
			"is_private": 1,
			"content": error_csv(errors, _),
		}
	).insert(ignore_permissions=True)
	doc.db_set("error_file", file.file_url)


def finish(doc: CustomerImport, status: str, message: str | None = None) -> None:
	doc.db_set({"status": status, "finished": now_datetime(), "message": message}, commit=True)
	frappe.publish_realtime(REFRESH_EVENT, {"name": doc.name}, doctype=CUSTOMER_IMPORT, docname=doc.name)
