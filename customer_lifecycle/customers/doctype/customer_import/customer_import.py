# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

"""Customer Import: the fast path for large customer files, run as a background job.

The job reads the file, and for each chunk of rows: checks them (importer.clean_row), sorts out
duplicates within the file and against the table (one query), writes the good rows in bulk and
commits, so rows already written are kept whatever happens later. Bad and duplicate rows go to
a private error file (row number, field, value, reason); none of them is written.
"""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime

from customer_lifecycle.customers import importer

DOCTYPE = "Customer Import"
CHUNK = 5000
RUNNING = ("Queued", "Running")
COUNTS = ("total_rows", "inserted", "duplicates", "rejected")
REFRESH_EVENT = "customer_import_refresh"


class CustomerImport(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		duplicates: DF.Int
		error_file: DF.Attach | None
		finished: DF.Datetime | None
		import_file: DF.Attach
		inserted: DF.Int
		message: DF.SmallText | None
		progress: DF.Percent
		rejected: DF.Int
		started: DF.Datetime | None
		status: DF.Literal["Pending", "Queued", "Running", "Completed", "Completed with Errors", "Failed"]
		total_rows: DF.Int
	# end: auto-generated types

	def validate(self):
		if self.import_file and importer.extension_of(self.import_file) not in importer.EXTENSIONS:
			frappe.throw(
				_("{0}: import a .csv or .xlsx file.").format(frappe.bold(_(self.meta.get_label("import_file")))),
				title=_("Wrong File Type"),
			)
		if not self.is_new() and self.status in RUNNING and self.has_value_changed("import_file"):
			frappe.throw(_("The file cannot be changed while it is being imported."))

	def enqueue_import(self) -> None:
		"""Queue the import job (again, for a file imported before: nothing is created twice)."""
		if self.status in RUNNING:
			frappe.throw(_("This import is already {0}.").format(_(self.status).lower()), title=_("Import Running"))
		self.check_file_permission()
		frappe.delete_doc(
			"File",
			frappe.get_all(
				"File",
				filters={"attached_to_doctype": DOCTYPE, "attached_to_name": self.name, "attached_to_field": "error_file"},
				pluck="name",
			),
			ignore_permissions=True,
		)
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
			job_id=f"customer_import::{self.name}",
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


@frappe.whitelist(methods=["POST"])
def start_import(name: str) -> dict:
	"""The form's Start Import button: queue the job that imports the file."""
	frappe.has_permission(DOCTYPE, "write", name, throw=True)
	frappe.has_permission("Customer", "create", throw=True)
	doc = frappe.get_doc(DOCTYPE, name)
	doc.enqueue_import()
	return {"name": doc.name, "status": doc.status}


def run_import(import_name: str) -> None:
	"""The background job. Also called directly (the benchmark, the tests)."""
	doc = frappe.get_doc(DOCTYPE, import_name)
	doc.db_set({"status": "Running", "started": now_datetime(), "finished": None, "progress": 0}, commit=True)
	try:
		errors, unknown = import_rows(doc)
	except importer.ImportFileError as e:
		frappe.db.rollback()
		finish(doc, "Failed", e.message(_))
		return
	except Exception:
		frappe.db.rollback()
		doc.log_error(_("Customer import failed"))
		finish(doc, "Failed", _("The import stopped on an unexpected error (see the Error Log). Rows counted as inserted are saved; start it again to import the rest."))
		return
	if errors:
		attach_error_file(doc, errors)
	message = _("Columns not recognised and left out: {0}").format(", ".join(unknown)) if unknown else None
	finish(doc, "Completed with Errors" if errors else "Completed", message)


def import_rows(doc: CustomerImport) -> tuple[list[importer.RowError], list[str]]:
	"""Import the file chunk by chunk, committing each. Returns the error file's lines and the
	headers that matched no Customer field."""
	content = frappe.get_doc("File", {"file_url": doc.import_file}).get_content()
	if isinstance(content, str):
		content = content.encode()
	header, rows = importer.split_header(importer.read_table(content, importer.extension_of(doc.import_file)))
	rules = importer.site_rules()
	mapping, unknown = importer.map_columns(header, rules)
	seen = importer.SeenKeys()
	errors: list[importer.RowError] = []
	counts = dict.fromkeys(COUNTS, 0)
	counts["total_rows"] = len(rows)
	title = _("Importing customers")
	for start in range(0, len(rows), CHUNK):
		candidates = []
		for number, cells in rows[start : start + CHUNK]:
			values, problems = importer.clean_row(cells, mapping, header, rules, number)
			if problems:
				errors.extend(problems)
				counts["rejected"] += 1
			else:
				candidates.append((number, values))
		existing = importer.existing_customers([values for _number, values in candidates])
		keep, duplicates = importer.sort_out(candidates, existing, seen)
		failed = save(keep)
		errors.extend(failed)
		errors.extend(duplicate.error(rules.labels) for duplicate in duplicates)
		counts["inserted"] += len(keep) - len(failed)
		counts["rejected"] += len(failed)
		counts["duplicates"] += len(duplicates)
		done = min(start + CHUNK, len(rows))
		doc.db_set({**counts, "progress": 100 * done / max(len(rows), 1)}, commit=True)
		frappe.publish_progress(
			100 * done / max(len(rows), 1),
			title=title,
			doctype=DOCTYPE,
			docname=doc.name,
			description=_("{0} of {1} rows").format(done, len(rows)),
		)
	return errors, unknown


def save(keep: list[tuple[int, dict, importer.Origin]]) -> list[importer.RowError]:
	"""Write a chunk's new customers and commit. Should the batch fail, each row is written on its
	own, so one row the database refuses costs only that row. Returns the rows that failed."""
	if not keep:
		return []
	try:
		names = importer.write_customers([values for _row, values, _origin in keep])
	except Exception:
		frappe.db.rollback()
	else:
		frappe.db.commit()
		for (_row, _values, origin), name in zip(keep, names, strict=True):
			origin.customer = name
		return []
	failed = []
	for row, values, origin in keep:
		try:
			origin.customer = importer.write_customers([values])[0]
			frappe.db.commit()
		except Exception as e:
			frappe.db.rollback()
			failed.append(importer.RowError(row, "", "", "Could not be saved: {0}", (str(e),)))
	return failed


def attach_error_file(doc: CustomerImport, errors: list[importer.RowError]) -> None:
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{doc.name}-errors.csv",
			"attached_to_doctype": DOCTYPE,
			"attached_to_name": doc.name,
			"attached_to_field": "error_file",
			"is_private": 1,
			"content": importer.error_csv(errors, _),
		}
	).insert(ignore_permissions=True)
	doc.db_set("error_file", file.file_url)


def finish(doc: CustomerImport, status: str, message: str | None = None) -> None:
	doc.db_set({"status": status, "finished": now_datetime(), "message": message}, commit=True)
	frappe.publish_realtime(REFRESH_EVENT, {"name": doc.name}, doctype=DOCTYPE, docname=doc.name)
