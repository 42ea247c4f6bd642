"""Customer files in bulk: the fast path beside Frappe's Data Import.

The first half is pure (no database, unit-tested): reading a CSV or XLSX file, matching its header
to Customer fields, normalising and checking each row the way the Customer controller would, and
recognising rows that are the same customer (by email, phone or ID number). Whatever the site
contributes (labels, customer types, categories, countries, field lengths) comes in as `Rules`.

The second half writes the good rows: names reserved from the naming series in one step, then
Customer, Contact (+ Contact Email, Contact Phone, Dynamic Link) and Address (+ Dynamic Link) rows
in bulk (LOAD DATA LOCAL, or multi-row INSERTs), shaped by `contacts.contact_dict` /
`contacts.address_dict` so they are the records the controller would have made. An import writes
its chunks on database connections of their own while it checks and builds the next ones
(CustomerWriter, BackgroundWriters).
"""

import csv
import gc
import io
import queue
import re
import secrets
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain
from operator import itemgetter

import frappe
import phonenumbers
import pymysql
from frappe.database import get_db
from frappe.model import child_table_fields, default_fields
from frappe.model.naming import make_autoname
from frappe.utils import now_datetime
from pymysql.converters import escape_item

from customer_lifecycle.customers import completeness, contacts, duplicates
from customer_lifecycle.customers.doctype.customer.customer import site_country_code
from customer_lifecycle.lifecycle import engine
from customer_lifecycle.utils.naming import reserve_names
from customer_lifecycle.utils.normalize import normalize_email, normalize_phone, normalize_text

CUSTOMER = "Customer"
# the Customer fields a file may fill, in the order the sample files use
FIELDS = (
	"customer_name",
	"customer_type",
	"customer_category",
	"email",
	"phone",
	"id_number",
	"notes",
	"address_line1",
	"address_line2",
	"city",
	"county",
	"pincode",
	"country",
)
# the billing address lines; a row with any of them (country aside) makes an Address
ADDRESS_LINES = ("address_line1", "address_line2", "city", "county", "pincode")
# what makes two rows the same customer; a row with none of them is known by its name alone
KEY_FIELDS = ("email", "phone", "id_number")
ERROR_HEADER = ("Row", "Field", "Value", "Reason")
EXTENSIONS = ("csv", "xlsx")
# what text values are joined by to be escaped a column at a time
SEPARATOR = "\x1f"
# LOAD DATA's default escapes (FIELDS TERMINATED BY '\t' ESCAPED BY '\\' LINES TERMINATED BY '\n')
TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\\0"})
TSV_SPECIAL = re.compile("[\\\\\t\n\r\0]")
TSV_NULL = "\\N"
BASE32HEX = "0123456789abcdefghijklmnopqrstuv"
BASE32HEX_PAIRS = [a + b for a in BASE32HEX for b in BASE32HEX]
E164_SHAPE = re.compile(r"\+[1-9][0-9]{6,14}")
# a number written as dialled at home: digits, with spaces, dots, dashes or brackets between
NATIONAL_SHAPE = re.compile(r"\(?[0-9][0-9 .()-]*")
SEPARATORS = re.compile(r"[ .()-]")


def _(message: str) -> str:
	"""Marks a message for translation. It is translated when the error file is written: Frappe's
	own `_` needs a site, and this half of the module needs none."""
	return message


class ImportFileError(ValueError):
	"""The file as a whole cannot be imported (unreadable, no header, no customer name column).
	Like RowError, it keeps its message untranslated until a site is there to translate it."""

	def __init__(self, reason: str, *args):
		super().__init__(reason.format(*args))
		self.reason, self.args_ = reason, args

	def message(self, translate: Callable[[str], str] = str) -> str:
		return translate(self.reason).format(*self.args_)


@dataclass(frozen=True)
class RowError:
	"""One line of the error file. `reason` is an untranslated message with {0}-style `args`."""

	row: int
	field: str
	value: str
	reason: str
	args: tuple = ()

	def message(self, translate: Callable[[str], str] = str) -> str:
		return translate(self.reason).format(*self.args)


@dataclass
class Rules:
	"""What checking a row needs to know about the site, gathered once per import."""

	columns: dict[str, str]  # header as written, lower-cased -> fieldname
	labels: dict[str, str]  # fieldname -> label, for the error file
	customer_types: tuple[str, ...]
	default_type: str
	categories: dict[str, str]  # lower-cased -> Customer Category name
	countries: dict[str, str]  # lower-cased name or ISO code -> Country name
	lengths: dict[str, int]  # fieldname -> the column's length
	region: str | None = None  # ISO code for phone numbers written without a country code
	default_country: str | None = None  # for billing addresses given without a country
	name_key: Callable[[str], str] = field(default=lambda name: name.lower())


# --- reading ----------------------------------------------------------------------------------


def extension_of(filename: str) -> str:
	return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def read_table(content: bytes, extension: str) -> list[list[str]]:
	"""The file's rows as lists of text (trailing empty cells kept as ""). CSV is read as UTF-8
	(with or without a byte-order mark), falling back to Windows-1252 as spreadsheets save it."""
	extension = extension.lower()
	if extension == "csv":
		try:
			text = content.decode("utf-8-sig")
		except UnicodeDecodeError:
			text = content.decode("cp1252", errors="replace")
		return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]
	if extension == "xlsx":
		from openpyxl import load_workbook

		try:
			book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
		except Exception as e:
			raise ImportFileError(_("The file is not a readable Excel (.xlsx) workbook.")) from e
		sheet = book.worksheets[0]
		rows = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
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


def map_columns(header: list[str], rules: Rules) -> tuple[dict[str, int], list[str]]:
	"""fieldname -> column index for the header's known columns, and the headers not recognised."""
	mapping: dict[str, int] = {}
	unknown = []
	for index, title in enumerate(header):
		title = " ".join((title or "").split())
		fieldname = rules.columns.get(title.lower())
		if not fieldname:
			if title:
				unknown.append(title)
			continue
		if fieldname in mapping:
			raise ImportFileError(
				_("Two columns are for {0}: {1} and {2}."),
				rules.labels[fieldname],
				header[mapping[fieldname]],
				title,
			)
		mapping[fieldname] = index
	if "customer_name" not in mapping:
		raise ImportFileError(
			_("The file has no {0} column (the header is row 1)."), rules.labels["customer_name"]
		)
	return mapping, unknown


# --- checking ---------------------------------------------------------------------------------


class RowChecker:
	"""Checks the rows of one file, with what that needs worked out once: the columns to read, the
	error file's titles, the choices by lower-cased name, and the phone numbers seen so far (parsing
	one is most of the cost of a row). `check` gives a row's values normalised as the Customer
	controller stores them, or None with the reasons: every problem in the row, each naming its
	column, so one pass over the error file is enough to fix the row."""

	def __init__(self, mapping: dict[str, int], header: list[str], rules: Rules):
		self.rules = rules
		self.columns = list(mapping.items())
		self.titles = {fieldname: header[index] for fieldname, index in mapping.items()}
		self.types = {t.lower(): t for t in rules.customer_types}
		self.text_fields = [f for f in FIELDS if f not in ("email", "phone", "notes")]
		self.lengths = list(rules.lengths.items())
		# raw text -> E.164 number, None for no number, or the ValueError it raised
		self.phones: dict[str, str | None | ValueError] = {}

	def phone(self, raw: str | None) -> str | None:
		"""normalize_phone, once per distinct text, with short cuts for text already in E.164 form
		and for numbers written as dialled at home."""
		if not raw:
			return normalize_phone(raw, self.rules.region)
		found = self.phones.get(raw, self)
		if found is self:
			try:
				found = e164_phone(raw.strip())
				if found is None:
					found = national_phone(raw.strip(), self.rules.region)
				if found is None:
					found = normalize_phone(raw, self.rules.region, is_valid_number)
			except ValueError as e:
				found = e
			self.phones[raw] = found
		if isinstance(found, ValueError):
			raise found
		return found

	def check(self, cells: list[str], row: int) -> tuple[dict | None, list[RowError]]:
		rules = self.rules
		errors: list[RowError] = []
		width = len(cells)
		raw = {f: (cells[i] if i < width else "") or "" for f, i in self.columns}

		def fail(fieldname: str, reason: str, *args):
			title = self.titles[fieldname] if fieldname in self.titles else rules.labels[fieldname]
			errors.append(RowError(row, title, raw.get(fieldname, "").strip(), reason, args))

		values = {f: normalize_text(raw.get(f)) for f in self.text_fields}
		values["notes"] = (raw.get("notes") or "").strip() or None

		if not values["customer_name"]:
			fail("customer_name", _("{0} is required."), rules.labels["customer_name"])
		values["customer_type"] = pick(values["customer_type"], self.types)
		if values["customer_type"] is None:
			values["customer_type"] = rules.default_type
		elif values["customer_type"] is False:
			fail("customer_type", _("must be one of {0}."), ", ".join(rules.customer_types))
		values["customer_category"] = pick(values["customer_category"], rules.categories)
		if values["customer_category"] is False:
			fail("customer_category", _("is not a Customer Category (add it first, or leave it blank)."))

		try:
			values["email"] = normalize_email(raw.get("email"))
		except ValueError:
			fail("email", _("is not a valid email address."))
		try:
			values["phone"] = self.phone(raw.get("phone"))
		except ValueError:
			fail(
				"phone",
				_(
					"is not a valid phone number (write it with its country code, or as a local number of {0})."
				),
				rules.default_country or "",
			)

		if any(values[f] for f in ADDRESS_LINES):
			values["country"] = values["country"] or rules.default_country
			for fieldname in ("address_line1", "city"):
				if not values[fieldname]:
					fail(fieldname, _("{0} is required for the billing address."), rules.labels[fieldname])
		if values["country"]:
			country = pick(values["country"], rules.countries)
			if country is False:
				fail("country", _("is not a country."))
			values["country"] = country or None

		for fieldname, length in self.lengths:
			value = values.get(fieldname)
			if isinstance(value, str) and len(value) > length:
				fail(fieldname, _("is longer than {0} characters."), length)

		if errors:
			return None, errors
		values["name_key"] = rules.name_key(values["customer_name"]) or None
		return values, []


def e164_phone(text: str) -> str | None:
	"""normalize_phone for text that is already in E.164 form ("+" and digits only, no leading 0):
	the text itself if it is a valid number, ValueError if it is not, None for any text this short
	cut does not cover (normalize_phone it). phonenumbers.parse is half the cost of a number, and for
	such text it does only this: the country code is the shortest known one the digits start with,
	the rest is the national number unless the country's national prefix could start it. The
	number is then checked by phonenumbers itself. (Unit-tested against normalize_phone.)"""
	if not E164_SHAPE.fullmatch(text):
		return None
	digits = text[1:]
	for size in range(1, 4):
		code = int(digits[:size])
		if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
			break
	else:
		return None
	national = digits[size:]
	metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(
		code, phonenumbers.region_code_for_country_code(code)
	)
	if metadata is None or len(national) < 2 or national[0] == "0":
		return None
	prefix = metadata.national_prefix_for_parsing
	if prefix and re.match(prefix, national):
		return None
	if not is_valid_number(phonenumbers.PhoneNumber(country_code=code, national_number=int(national))):
		raise ValueError(f"{text!r} is not a valid phone number")
	return text


def national_phone(text: str, region: str | None) -> str | None:
	"""normalize_phone for a valid number written as it is dialled within the site's region (digits,
	spaces, dots, dashes, brackets: "020 7946 0958"): its E.164 text, or None for any text this
	short cut does not cover or a number it does not find valid (normalize_phone it). That is
	phonenumbers.parse's way with such text, where the region's national prefix is a plain one: not
	the international prefix ("00"), not the country code, then the national prefix taken off
	(unless what is left is a length only dialled locally); e164_phone then checks the number.
	(Unit-tested against normalize_phone, in every region.)"""
	if not region or not NATIONAL_SHAPE.fullmatch(text):
		return None
	metadata = phonenumbers.PhoneMetadata.metadata_for_region(region.upper(), None)
	if metadata is None or metadata.national_prefix_transform_rule:
		return None
	digits = SEPARATORS.sub("", text)
	prefix = metadata.national_prefix_for_parsing
	if digits.startswith(str(metadata.country_code)) or (
		metadata.international_prefix and compiled(metadata.international_prefix, prefix=True).match(digits)
	):
		return None
	if prefix:
		if not prefix.isdigit():
			return None
		if digits.startswith(prefix):
			digits = digits[len(prefix) :]
			if len(digits) in (metadata.general_desc.possible_length_local_only or ()):
				return None
	try:
		return e164_phone(f"+{metadata.country_code}{digits}")
	except ValueError:
		return None


def is_valid_number(number: phonenumbers.PhoneNumber) -> bool:
	"""phonenumbers.is_valid_number, by the library's own metadata and rules: the region is the
	only one of the country code, or the first of its regions whose leading digits the number
	starts with or whose patterns it matches; the number is valid when it matches the region's
	general pattern and the pattern of a type of number. The library recompiles each pattern (a
	cache lookup) and matches the types one by one, for the region and again to validate, some
	30 µs a number, the most of a row's checking; here each region's patterns are compiled once,
	and matched once. (Unit-tested against the library, on numbers of every region.)"""
	code = number.country_code
	regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(code)
	if not regions:
		return False
	national = phonenumbers.national_significant_number(number)
	if len(regions) == 1:
		region = regions[0]
		metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(code, region.upper())
		if metadata is None or (
			region != phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY and region_country_code(region) != code
		):
			return False
		return matches_a_type(national, metadata)
	for region in regions:
		metadata = phonenumbers.PhoneMetadata.metadata_for_region(region.upper(), None)
		if metadata is None:
			continue
		if metadata.leading_digits is not None:
			if compiled(metadata.leading_digits, prefix=True).match(national):
				return region_country_code(region) == code and matches_a_type(national, metadata)
		elif matches_a_type(national, metadata):
			return region_country_code(region) == code
	return False


# the kinds of number a region's metadata describes, each with its pattern
PHONE_TYPES = (
	"premium_rate",
	"toll_free",
	"shared_cost",
	"voip",
	"personal_number",
	"pager",
	"uan",
	"voicemail",
	"fixed_line",
	"mobile",
)
PATTERNS: dict[tuple[str, bool], re.Pattern] = {}
# (region, country code, length of the national number) -> the patterns of its types, as one
TYPE_PATTERNS: dict[tuple[str, int, int], re.Pattern | None] = {}


def compiled(pattern: str, prefix: bool = False) -> re.Pattern:
	"""A metadata pattern, compiled once: to match a whole national number, or (`prefix`) its start."""
	found = PATTERNS.get((pattern, prefix))
	if found is None:
		found = PATTERNS[pattern, prefix] = re.compile(pattern if prefix else f"(?:{pattern})\\Z")
	return found


def region_country_code(region: str) -> int | None:
	metadata = phonenumbers.PhoneMetadata.metadata_for_region(region.upper(), None)
	return metadata.country_code if metadata else None


def matches_a_type(national: str, metadata) -> bool:
	"""The library's type of the number is not UNKNOWN: it matches the general description, and a
	type's (the library's _number_type_helper tells the types apart; any one will do here). The
	types a number of its length may be are matched as one pattern, made once per region and
	length."""
	if not matches_description(national, metadata.general_desc):
		return False
	key = (metadata.id, metadata.country_code, len(national))
	pattern = TYPE_PATTERNS.get(key, False)
	if pattern is False:
		alternatives = [
			f"(?:{description.national_number_pattern})\\Z"
			for description in map(metadata.__getattribute__, PHONE_TYPES)
			if description is not None
			and description.national_number_pattern
			and (not description.possible_length or len(national) in description.possible_length)
		]
		pattern = TYPE_PATTERNS[key] = re.compile("|".join(alternatives)) if alternatives else None
	return pattern is not None and pattern.match(national) is not None


def matches_description(national: str, description) -> bool:
	"""The library's _is_number_matching_desc: one of the description's lengths (if it gives any),
	and its whole pattern (if it has one)."""
	if description is None:
		return False
	lengths = description.possible_length
	if lengths and len(national) not in lengths:
		return False
	pattern = description.national_number_pattern
	return bool(pattern) and compiled(pattern).match(national) is not None


def pick(value: str | None, choices: dict[str, str]) -> str | None | bool:
	"""The choice a value names, case aside; None for no value, False for a value that names none."""
	if not value:
		return None
	return choices.get(value.lower(), False)


def cached_name_key() -> Callable[[str], str]:
	"""duplicates.name_key, worked out once per name and each word's phonetic code once per word:
	the same first names and surnames come back on thousands of rows of a file. Gives the same keys
	(unit-tested)."""
	codes: dict[str, str] = {}
	keys: dict[str, str] = {}

	def name_key(customer_name: str | None) -> str:
		key = keys.get(customer_name)
		if key is None:
			found = set()
			for word in duplicates.name_tokens(customer_name):
				code = codes.get(word)
				if code is None:
					code = codes[word] = duplicates.phonetic(word)
				if code:
					found.add(code)
			key = keys[customer_name] = " ".join(sorted(found))[: duplicates.NAME_KEY_LENGTH].strip()
		return key

	return name_key


def identity_keys(values: dict) -> list[tuple[str, str]]:
	"""What says two rows are the same customer: their email, phone and ID number, case aside (as
	the database compares them). A row with none of them is known only by its exact name (not by
	the phonetic name key: "Jon Smyth" is not "John Smith" when nothing else tells them apart)."""
	keys = [(f, values[f].casefold()) for f in KEY_FIELDS if values.get(f)]
	return keys or [("customer_name", values["customer_name"].casefold())]


class Origin:
	"""The customer a key belongs to: an earlier row of the file (its name is set once the row is
	written) or a customer already in the table."""

	__slots__ = ("customer", "row")

	def __init__(self, row: int | None = None, customer: str | None = None):
		self.row, self.customer = row, customer


@dataclass
class Duplicate:
	"""A row skipped because a key of it belongs to another customer. Its reason is written once
	the chunk is saved, when the earlier row's customer name is known."""

	row: int
	field: str
	value: str
	origin: Origin

	def error(self, labels: dict[str, str]) -> RowError:
		label = labels.get(self.field, self.field)
		if self.origin.row is None:
			return RowError(
				self.row,
				label,
				self.value,
				_("Duplicate: customer {0} already has this {1}."),
				(self.origin.customer, label),
			)
		return RowError(
			self.row,
			label,
			self.value,
			_("Duplicate: row {0} of this file (customer {1}) has the same {2}."),
			(self.origin.row, self.origin.customer or "", label),
		)


class SeenKeys:
	"""The keys of the rows kept so far, and of the customers they matched in the table."""

	def __init__(self):
		self.origins: dict[tuple[str, str], Origin] = {}

	def match(self, keys: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], Origin] | None:
		for key in keys:
			origin = self.origins.get(key)
			if origin:
				return key, origin
		return None

	def add(self, keys: Iterable[tuple[str, str]], origin: Origin) -> None:
		for key in keys:
			self.origins.setdefault(key, origin)


def sort_out(
	candidates: list[tuple[int, dict]], existing: dict[tuple[str, str], str], seen: SeenKeys
) -> tuple[list[tuple[int, dict, Origin]], list[Duplicate]]:
	"""Split checked rows into new customers and duplicates, in file order: a row whose key belongs
	to a customer in the table (`existing`: key -> customer name) or to an earlier kept row is a
	duplicate. Each kept row's Origin gets its customer name when it is written."""
	keep, duplicates = [], []
	for row, values in candidates:
		keys = identity_keys(values)
		known = next(((key, existing[key]) for key in keys if key in existing), None)
		if known:
			(fieldname, _value), customer = known
			origin = Origin(customer=customer)
			duplicates.append(Duplicate(row, fieldname, values[fieldname], origin))
			seen.add(keys, origin)
			continue
		earlier = seen.match(keys)
		if earlier:
			(fieldname, _value), origin = earlier
			duplicates.append(Duplicate(row, fieldname, values[fieldname], origin))
			continue
		origin = Origin(row=row)
		seen.add(keys, origin)
		keep.append((row, values, origin))
	return keep, duplicates


def error_csv(errors: list[RowError], translate: Callable[[str], str] = str) -> str:
	"""The error file: one line per problem, by row number."""
	out = io.StringIO()
	writer = csv.writer(out, lineterminator="\n")
	writer.writerow([translate(title) for title in ERROR_HEADER])
	writer.writerows(
		[error.row, error.field, error.value, error.message(translate)]
		for error in sorted(errors, key=lambda e: e.row)
	)
	return out.getvalue()


def name_match_key(name: str) -> str:
	"""A key under which two record names the database could count as one (it compares them case
	and accents aside) are equal. It errs towards equal: punctuation and spacing are left out too."""
	text = unicodedata.normalize("NFKD", name.casefold())
	return "".join(ch for ch in text if ch.isalnum())


@dataclass
class TableRows:
	"""Records of one table as a batch writes them: the values every record shares (`shared`, by
	column), then, for each of `fields`, its column of values, one per record, in order."""

	doctype: str
	shared: dict
	fields: list[str]
	columns: list[list]
	count: int

	def insert_query(self) -> tuple[str, list]:
		"""One multi-row INSERT with a parameter per value, for frappe.db.sql or a cursor: how a
		refused chunk's rows are written one by one, and the fallback where the server refuses
		LOAD DATA LOCAL."""
		names = ", ".join(f"`{f}`" for f in (*self.shared, *self.fields))
		row = "(" + ", ".join(["%s"] * (len(self.shared) + len(self.fields))) + ")"
		shared = tuple(self.shared.values())
		values = [value for record in zip(*self.columns, strict=True) for value in (*shared, *record)]
		return f"INSERT INTO `tab{self.doctype}` ({names}) VALUES " + ", ".join([row] * self.count), values

	def load_text(self) -> bytes:
		"""The records as LOAD DATA reads them by default: a line per record, a tab between values,
		text escaped with backslashes, NULL as \\N."""
		lines = map("\t".join, zip(*map(tsv_column, self.columns), strict=True))
		return ("\n".join(lines) + "\n").encode()

	def load_statement(self, path: str) -> str:
		"""LOAD DATA of the file at `path` (as load_text writes it); the shared values are SET."""
		names = ", ".join(f"`{f}`" for f in self.fields)
		shared = ", ".join(f"`{f}` = {escape_item(v, 'utf8mb4')}" for f, v in self.shared.items())
		return (
			f"LOAD DATA LOCAL INFILE {escape_item(path, 'utf8mb4')} INTO TABLE `tab{self.doctype}` "
			f"CHARACTER SET utf8mb4 ({names})" + (f" SET {shared}" if shared else "")
		)

	def load(self, cursor) -> None:
		"""Write the records with LOAD DATA LOCAL on a pymysql cursor whose connection allows it
		(open_connection). The server turns what would refuse an INSERT (a duplicate key, text too
		long) into a warning and goes on: any warning, or a record not written, raises LoadRefused,
		for the caller to roll the transaction back. A note (a decimal rounded) is no refusal."""
		with tempfile.NamedTemporaryFile(prefix="customer-import-", suffix=".tsv") as file:
			file.write(self.load_text())
			file.flush()
			written = cursor.execute(self.load_statement(file.name))
		if cursor.warning_count:
			cursor.execute("SHOW WARNINGS LIMIT 10")
			refusals = [message for level, _code, message in cursor.fetchall() if level != "Note"]
			if refusals:
				raise LoadRefused(f"{self.doctype}: " + "; ".join(refusals))
		if written != self.count:
			raise LoadRefused(f"{self.doctype}: {written} of {self.count} records written")


class LoadRefused(Exception):
	"""LOAD DATA left out records, or changed values, that an INSERT would have been refused for."""


def table_rows(
	doctype: str, rows: list[dict], constants: dict, defaults: dict | None = None, skip: Iterable[str] = ()
) -> TableRows:
	"""`rows` (dicts of column values) as TableRows, with `constants` in every record and
	`defaults` for the columns a row leaves empty (None); keys in `skip` are not columns. A column
	whose value is the same in every row (a default, a type) is written once, as shared."""
	defaults = defaults or {}
	left_out = {*constants, *skip}
	fields = [f for f in dict.fromkeys(chain.from_iterable(rows)) if f not in left_out]
	# columns no row has: their default, if they have one
	shared = {**constants, **{f: v for f, v in defaults.items() if f not in left_out and f not in fields}}
	kept, columns = [], []
	for fieldname, values in zip(fields, transpose(rows, fields), strict=True):
		default = defaults.get(fieldname)
		if default is not None:
			values = [default if value is None else value for value in values]
		if (
			fieldname != "name"
			and values.count(values[0]) == len(values)
			and len(set(map(type, values))) == 1
		):
			shared[fieldname] = values[0]
		else:
			kept.append(fieldname)
			columns.append(values)
	return TableRows(doctype, shared, kept, columns, len(rows))


def transpose(rows: list[dict], fields: list[str]) -> list[list]:
	"""The values of each field, a list per field, in the order of the rows (None where missing)."""
	if not fields:
		return []
	try:
		table = (
			list(map(itemgetter(*fields), rows)) if len(fields) > 1 else [(row[fields[0]],) for row in rows]
		)
	except KeyError:
		table = [tuple(row.get(f) for f in fields) for row in rows]
	return [list(column) for column in zip(*table, strict=True)]


def tsv_column(values: list) -> list[str]:
	"""tsv_value() of each value. A column of text (most are) is escaped as one string: joined with
	a separator that none of its values has, translated only if something in it needs escaping, and
	split again; any other column value by value."""
	try:
		joined = SEPARATOR.join(["" if value is None else value for value in values])
	except TypeError:
		return [tsv_value(value) for value in values]
	if joined.count(SEPARATOR) != len(values) - 1:
		return [tsv_value(value) for value in values]
	if TSV_SPECIAL.search(joined):
		joined = joined.translate(TSV_ESCAPES)
	cells = joined.split(SEPARATOR)
	if None in values:
		return [TSV_NULL if value is None else cell for value, cell in zip(values, cells, strict=True)]
	return cells


def tsv_value(value) -> str:
	"""A value as LOAD DATA reads it by default (FIELDS ESCAPED BY '\\\\')."""
	if value is None:
		return TSV_NULL
	if value.__class__ is str:
		return value.translate(TSV_ESCAPES)
	if isinstance(value, bool):
		return str(int(value))
	if isinstance(value, datetime):
		return value.isoformat(" ")
	return str(value)


# --- the site's rules -------------------------------------------------------------------------


def site_rules() -> Rules:
	"""The Rules for this site: Customer's labels (as written and translated) and fieldnames as
	column headers, its types, the categories and countries there are, the site's country."""
	meta = frappe.get_meta(CUSTOMER)
	columns, labels, lengths = {}, {}, {}
	for fieldname in FIELDS:
		df = meta.get_field(fieldname)
		labels[fieldname] = frappe._(df.label)
		for title in (fieldname, df.label, labels[fieldname]):
			columns[title.lower()] = fieldname
		if df.fieldtype == "Data":
			lengths[fieldname] = df.length or 140
	countries = {}
	for row in frappe.get_all("Country", fields=["name", "code"]):
		countries[row.name.lower()] = row.name
		if row.code:
			countries.setdefault(row.code.lower(), row.name)
	type_field = meta.get_field("customer_type")
	return Rules(
		columns=columns,
		labels=labels,
		customer_types=tuple(t for t in type_field.options.split("\n") if t),
		default_type=type_field.default,
		categories={name.lower(): name for name in frappe.get_all("Customer Category", pluck="name")},
		countries=countries,
		lengths=lengths,
		region=site_country_code(),
		default_country=frappe.get_system_settings("country"),
		name_key=cached_name_key(),
	)


# --- writing ----------------------------------------------------------------------------------


def existing_customers(rows: list[dict], sql: Callable | None = None) -> dict[tuple[str, str], str]:
	"""key -> customer name, for the keys of these rows that customers in the table already have
	(the first by name, when several have one). `sql` runs the query (frappe.db.sql by default).

	One query: a UNION of IN lists, each on its own indexed column. (An OR of the IN lists in one
	WHERE makes MariaDB read the whole table; raw SQL for the UNION of parameterised IN lists.)"""
	wanted: dict[str, set[str]] = {}
	for values in rows:
		for fieldname, value in identity_keys(values):
			wanted.setdefault(fieldname, set()).add(value)
	if not wanted:
		return {}
	# SQL text: field names are identity_keys' own constants; the values are parameters
	query = " union all ".join(
		f"select '{fieldname}', `name`, `{fieldname}` from `tab{CUSTOMER}` where `{fieldname}` in %s"
		for fieldname in wanted
	)
	query = "set statement in_predicate_conversion_threshold=0 for " + query
	found = {}
	for fieldname, name, value in sorted(
		(sql or frappe.db.sql)(query, [tuple(v) for v in wanted.values()]), key=lambda r: r[1]
	):
		value = (value or "").casefold()
		if value in wanted[fieldname]:
			found.setdefault((fieldname, value), name)
	return found


def taken_names(doctype: str, names: Iterable[str]) -> set[str]:
	"""Those of `names` that a record of `doctype` already has, as the database compares names
	(case and accents aside). One query; raw SQL, for a table value constructor of the names."""
	names = list(names)
	if not names:
		return set()
	# SQL text: the doctype is the importer's own; the names are parameters
	rows = frappe.db.sql(
		f"with wanted(n) as (values {', '.join(['(%s)'] * len(names))}) "
		f"select n from wanted where n in (select `name` from `tab{doctype}`)",
		names,
	)
	return {row[0] for row in rows}


@dataclass
class Batch:
	"""Checked rows on their way to the table, written as one transaction: the customers' names
	(reserved) and billing addresses (named), their records by table, then the error that
	refused them, if any. `tag` is the caller's (an import's chunk)."""

	rows: list[dict]
	names: list[str]
	addresses: list[dict | None]  # each row's billing Address (a frappe.get_doc-style dict), if any
	now: datetime
	tables: list[TableRows] = field(default_factory=list)
	error: Exception | None = None
	tag: object = None


class CustomerWriter:
	"""Writes checked rows (as RowChecker.check makes them) as customers, each with the primary Contact and
	billing Address its values make, as the controller would. One writer serves a whole import.

	`prepare` asks the database what it must (names from the naming series in one step, the address
	names taken); `build` shapes the records and turns them into multi-row INSERTs, needing no
	database. Lifecycle state, completeness and the links to the contact and address are set on the
	rows before they are written; a new customer has no lifecycle change yet, as with the controller."""

	DOCTYPES = (CUSTOMER, "Contact", "Address")  # in the order they are written

	def __init__(self):
		self.series = frappe.get_meta(CUSTOMER).get_field("naming_series").options.split("\n")[0]
		self.state = engine.initial_state(engine.get_workflow())
		self.rules = completeness.get_rules()
		self.user = frappe.session.user
		self.tables = {
			dt: {df.fieldname: df.options for df in frappe.get_meta(dt).get_table_fields()}
			for dt in self.DOCTYPES
		}
		children = {child for tables in self.tables.values() for child in tables.values()}
		self.defaults = {dt: new_doc_defaults(dt) for dt in (*self.DOCTYPES, *children)}
		self.address_types: dict[str, str] = {}  # as Address.autoname writes them (translated)
		self.address_keys: set[str] = set()  # name_match_key of each address name given so far

	def write(self, rows: list[dict]) -> list[str]:
		"""Insert customers from checked rows, in the caller's transaction on the site's connection.
		Returns their names, in order."""
		batch = self.prepare(rows)
		self.build(batch)
		for table in batch.tables:
			frappe.db.sql(*table.insert_query())
		return batch.names

	def prepare(self, rows: list[dict]) -> Batch:
		"""Reserve the customers' names and name their billing addresses (asks the database)."""
		names = reserve_names(self.series, len(rows)) if rows else []
		addresses = [
			contacts.address_dict({**values, "name": name}) for name, values in zip(names, rows, strict=True)
		]
		self.name_addresses([address for address in addresses if address])
		return Batch(rows, names, addresses, now_datetime())

	def name_addresses(self, docs: list[dict]) -> None:
		"""Address.autoname's "<title>-<type>", or, when that name is taken (in the table or by
		another address of this import), "<title>-<type>-<customer>", which the customer's name
		keeps unique. The table is asked as it compares names; among the import's own addresses,
		name_match_key errs towards "taken"."""
		bases = []
		for doc in docs:
			kind = doc["address_type"]
			if kind not in self.address_types:
				self.address_types[kind] = frappe._(kind).strip()
			bases.append(f"{(doc.get('address_title') or '').strip()}-{self.address_types[kind]}")
		taken = taken_names("Address", set(bases))
		for doc, base in zip(docs, bases, strict=True):
			key = name_match_key(base)
			doc["name"] = (
				f"{base}-{doc['links'][0]['link_name']}"
				if base in taken or key in self.address_keys
				else base
			)
			self.address_keys.add(key)

	def build(self, batch: Batch) -> None:
		"""The batch's records by table, child rows included (needs no database)."""
		customers, contact_docs, address_docs = [], [], []
		for name, values, address in zip(batch.names, batch.rows, batch.addresses, strict=True):
			customer = {
				**values,
				"name": name,
				"naming_series": self.series,
				"lifecycle_status": self.state,
				"lifecycle_since": batch.now,
				"primary_contact": None,
				"billing_address": address["name"] if address else None,
			}
			if customer["email"] or customer["phone"]:
				contact = contacts.contact_dict(customer)
				# as Contact.autoname names it: full name and the customer it is linked to
				contact["name"] = f"{contact['full_name']}-{name}"
				customer["primary_contact"] = contact["name"]
				contact_docs.append(contact)
			if address:
				address_docs.append(address)
			customer["completeness"] = completeness.score(customer, self.rules)
			customers.append(customer)

		now, user = batch.now, self.user
		standard = {"creation": now, "modified": now, "owner": user, "modified_by": user, "docstatus": 0}
		tables = []
		for doctype, docs in zip(self.DOCTYPES, (customers, contact_docs, address_docs), strict=True):
			if not docs:
				continue
			children = self.tables[doctype]
			tables.append(
				table_rows(
					doctype, docs, {**standard, "idx": 0}, self.defaults[doctype], skip={"doctype", *children}
				)
			)
			for fieldname, child_doctype in children.items():
				rows = [
					{**child, "parent": doc["name"], "idx": idx}
					for doc in docs
					for idx, child in enumerate(doc.get(fieldname) or (), 1)
				]
				for row, child_name in zip(rows, child_names(len(rows)), strict=True):
					row["name"] = child_name
				if rows:
					constants = {**standard, "parenttype": doctype, "parentfield": fieldname}
					tables.append(table_rows(child_doctype, rows, constants, self.defaults[child_doctype]))
		batch.tables = tables


def open_connection(local_infile: bool = False):
	"""A connection to the site's database of its own (a pymysql connection with the settings
	Frappe's own get_db gives the site's), for a thread: it touches nothing of Frappe's. With
	`local_infile`, it may send files for LOAD DATA LOCAL."""
	conf = frappe.local.conf
	db = get_db(
		host=conf.db_host,
		port=conf.db_port,
		user=conf.db_name,
		password=conf.db_password,
		cur_db_name=conf.db_name,
	)
	return pymysql.connect(**{**db.get_connection_settings(), "local_infile": local_infile})


class BackgroundLookups:
	"""existing_customers for a chunk, run in a thread on a connection of its own, while the import
	checks the next chunk and writes the one before. Reads only; each query its own transaction, so
	it sees what is committed when it runs. Disabled, a lookup runs on the site's connection, when
	its answer is asked for."""

	def __init__(self, enabled: bool = True):
		self.executor, self.connection = None, None
		if enabled:
			with suppress(Exception):
				self.connection = open_connection()
				self.connection.autocommit(True)
				self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="customer-import-lookup")

	def __enter__(self) -> "BackgroundLookups":
		return self

	def __exit__(self, kind, error, traceback) -> None:
		if self.executor:
			self.executor.shutdown(wait=True, cancel_futures=True)
		if self.connection:
			with suppress(Exception):
				self.connection.close()

	def submit(self, rows: list[dict]) -> Callable[[], dict[tuple[str, str], str]]:
		"""Start looking up the rows' keys; returns what gives the answer (waiting for it)."""
		if not self.executor:
			return lambda: existing_customers(rows)
		return self.executor.submit(existing_customers, rows, self.query).result

	def query(self, query: str, values) -> tuple:
		with self.connection.cursor() as cursor:
			cursor.execute(query, values)
			return cursor.fetchall()


class BackgroundWriters:
	"""Writes built batches while the import checks and builds the next ones: `count` threads, each
	with a database connection of its own, so that the database works on other CPUs than the
	import's Python. Each batch is one transaction on one connection, its tables sent as files for
	LOAD DATA LOCAL (TableRows.load: what the server would otherwise parse as INSERT text is a third
	of its work): committed once all were written, or else rolled back, leaving nothing of it in
	the table, with the error kept in batch.error for the import to deal with. Where the server
	does not take LOAD DATA LOCAL (local_infile off), a thread writes multi-row INSERTs instead.

	The threads touch nothing of Frappe's (frappe.local stays the import's): each has a plain
	pymysql connection, made with the site's connection settings (open_connection). With no threads
	(`count` 0), `submit` writes INSERTs and commits on the site's connection, there and then."""

	LOAD = True  # LOAD DATA LOCAL where the server takes it (INSERTs otherwise)

	def __init__(self, count: int):
		self.todo: queue.Queue[Batch | None] = queue.Queue(maxsize=max(count, 1))
		self.done: queue.Queue[Batch] = queue.Queue()
		self.threads: list[threading.Thread] = []
		for number in range(count):
			try:
				connection = open_connection(local_infile=True)
			except Exception:
				# no more connections to be had: fewer writers (none: the site's connection)
				frappe.log_error(title="Customer import: a background writer could not connect")
				break
			thread = threading.Thread(
				target=self.work, args=(connection,), name=f"customer-import-writer-{number}", daemon=True
			)
			thread.start()
			self.threads.append(thread)

	def __enter__(self) -> "BackgroundWriters":
		return self

	def __exit__(self, kind, error, traceback) -> None:
		if error:
			# the import stops: what is not being written yet is not written at all
			with suppress(queue.Empty):
				while True:
					self.todo.get_nowait()
		self.stop()

	def submit(self, batch: Batch) -> None:
		"""Write the batch (waits while as many batches wait as there are writers)."""
		if self.threads:
			self.todo.put(batch)
			return
		try:
			for table in batch.tables:
				frappe.db.sql(*table.insert_query())
			frappe.db.commit()
		except Exception as e:
			batch.error = e
			frappe.db.rollback()
		self.done.put(batch)

	def finished(self) -> list[Batch]:
		"""The batches written (or refused) since last asked."""
		batches = []
		with suppress(queue.Empty):
			while True:
				batches.append(self.done.get_nowait())
		return batches

	def stop(self) -> list[Batch]:
		"""Wait for the batches submitted to be written; returns those finished since last asked."""
		for _thread in self.threads:
			self.todo.put(None)
		for thread in self.threads:
			thread.join()
		self.threads = []
		return self.finished()

	def work(self, connection) -> None:
		cursor = connection.cursor()
		try:
			cursor.execute("SELECT @@local_infile")
			load = self.LOAD and bool(cursor.fetchone()[0])
			while (batch := self.todo.get()) is not None:
				try:
					for table in batch.tables:
						if load:
							table.load(cursor)
						else:
							cursor.execute(*table.insert_query())
					connection.commit()
				except Exception as e:
					batch.error = e
					with suppress(Exception):
						connection.rollback()
				self.done.put(batch)
		finally:
			with suppress(Exception):
				connection.close()


@contextmanager
def cycle_collection_paused():
	"""Python's cycle collector off for a while (an import). The rows of a large file are millions
	of small objects that live until the import ends, and the collector would go through them all
	again and again: a quarter of the import's Python time. They make no reference cycles; what
	else does is collected once the collector is back on."""
	paused = gc.isenabled()
	gc.disable()
	try:
		yield
	finally:
		if paused:
			gc.enable()


def child_names(count: int) -> list[str]:
	"""Names for new child rows in the form Frappe gives them (make_autoname("hash")): four
	characters of the time, then six more (base32hex, lower case). Frappe draws the six at random;
	here they count on from a random start, so that no two rows of a batch get the same name (six
	random characters would, now and then, among tens of thousands made at once) and the rows of a
	batch are written side by side in the table's primary key."""
	prefix = make_autoname("hash")[:4]
	start = secrets.randbits(30)
	return [prefix + base32hex((start + offset) % 2**30) for offset in range(count)]


def base32hex(number: int) -> str:
	"""A 30-bit number as six base32hex digits, lower case (two digits at a time)."""
	return (
		BASE32HEX_PAIRS[(number >> 20) & 1023]
		+ BASE32HEX_PAIRS[(number >> 10) & 1023]
		+ BASE32HEX_PAIRS[number & 1023]
	)


def new_doc_defaults(doctype: str) -> dict:
	"""The values Document.insert gives a new record's empty fields (Document._set_defaults)."""
	meta = frappe.get_meta(doctype)
	columns = set(meta.get_valid_columns()) - {*default_fields, *child_table_fields}
	return {k: v for k, v in frappe.new_doc(doctype, as_dict=True).items() if k in columns and v is not None}
