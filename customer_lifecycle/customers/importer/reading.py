"""Reading a customer file: its rows as text (all of them, or the first few for the form).

Pure (no database): a CSV or XLSX file's content in, rows of text out, or an ImportFileError that
says why the file as a whole cannot be imported. What each column is imported as is mapping.py's.
"""

import csv
import io
from collections.abc import Callable
from datetime import date, datetime
from itertools import islice

EXTENSIONS = ("csv", "xlsx")


def _(message: str) -> str:
	"""Marks a message for translation. It is translated when the error file is written: Frappe's
	own `_` needs a site, and reading and checking a file need none."""
	return message


class ImportFileError(ValueError):
	"""The file as a whole cannot be imported (unreadable, no header, no customer name column).
	Like RowError, it keeps its message untranslated until a site is there to translate it."""

	def __init__(self, reason: str, *args):
		super().__init__(reason.format(*args))
		self.reason, self.args_ = reason, args

	def message(self, translate: Callable[[str], str] = str) -> str:
		return translate(self.reason).format(*self.args_)


def extension_of(filename: str) -> str:
	return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def read_table(content: bytes, extension: str, limit: int | None = None) -> list[list[str]]:
	"""The file's rows as lists of text (trailing empty cells kept as ""), or its first `limit`
	rows. CSV is read as UTF-8 (with or without a byte-order mark), falling back to Windows-1252 as
	spreadsheets save it."""
	extension = extension.lower()
	if extension == "csv":
		try:
			text = content.decode("utf-8-sig")
		except UnicodeDecodeError:
			text = content.decode("cp1252", errors="replace")
		return [list(row) for row in islice(csv.reader(io.StringIO(text, newline="")), limit)]
	if extension == "xlsx":
		from openpyxl import load_workbook

		try:
			book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
		except Exception as e:
			raise ImportFileError(_("The file is not a readable Excel (.xlsx) workbook.")) from e
		sheet = book.worksheets[0]
		rows = [[cell_text(v) for v in row] for row in sheet.iter_rows(max_row=limit, values_only=True)]
		book.close()
		return rows
	raise ImportFileError(_("Import a .csv or .xlsx file."))


def cell_text(value) -> str:
	"""A spreadsheet cell as the text a person would type: 42.0 -> "42", dates in ISO form."""
	if value is None:
		return ""
	if isinstance(value, float) and value.is_integer():
		return str(int(value))
	if isinstance(value, datetime | date):
		return value.isoformat()
	return str(value)


def split_header(table: list[list[str]]) -> tuple[list[str], list[tuple[int, list[str]]]]:
	"""The header (the first non-blank row) and the data rows with their row numbers in the file
	(the first row of the file is row 1). Blank rows are left out."""
	numbered = [(i + 1, row) for i, row in enumerate(table) if any((cell or "").strip() for cell in row)]
	if not numbered:
		raise ImportFileError(_("The file is empty."))
	return numbered[0][1], numbered[1:]
