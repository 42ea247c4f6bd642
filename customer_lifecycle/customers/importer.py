"""Customer files in bulk: the fast path beside Frappe's Data Import.

The first half is pure (no database, unit-tested): reading a CSV or XLSX file, matching its header
to Customer fields, normalising and checking each row the way the Customer controller would, and
recognising rows that are the same customer (by email, phone or ID number). Whatever the site
contributes (labels, customer types, categories, countries, field lengths) comes in as `Rules`.

The second half writes the good rows: names reserved from the naming series in one step, then
Customer, Contact (+ Contact Email, Contact Phone, Dynamic Link) and Address (+ Dynamic Link) rows
in multi-row INSERTs, shaped by `contacts.contact_dict` / `contacts.address_dict` so they are the
records the controller would have made.
"""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import frappe
from frappe.model import child_table_fields, default_fields
from frappe.utils import now_datetime
from pymysql.converters import escape_item, escape_string

from customer_lifecycle.customers import completeness, contacts, duplicates
from customer_lifecycle.customers.doctype.customer.customer import site_country_code
from customer_lifecycle.demo import reserve_names
from customer_lifecycle.lifecycle import engine
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
# rows per multi-row INSERT
INSERT_BATCH = 5000
EXTENSIONS = ("csv", "xlsx")


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
				_("Two columns are for {0}: {1} and {2}."), rules.labels[fieldname], header[mapping[fieldname]], title
			)
		mapping[fieldname] = index
	if "customer_name" not in mapping:
		raise ImportFileError(_("The file has no {0} column (the header is row 1)."), rules.labels["customer_name"])
	return mapping, unknown


# --- checking ---------------------------------------------------------------------------------


def clean_row(
	cells: list[str], mapping: dict[str, int], header: list[str], rules: Rules, row: int
) -> tuple[dict | None, list[RowError]]:
	"""A row's values normalised as the Customer controller stores them, or None with the reasons.

	Every problem in the row is reported, each naming its column, so one pass over the error file
	is enough to fix the row."""
	errors: list[RowError] = []
	raw = {f: (cells[i] if i < len(cells) else "") or "" for f, i in mapping.items()}

	def fail(fieldname: str, reason: str, *args):
		title = header[mapping[fieldname]] if fieldname in mapping else rules.labels[fieldname]
		errors.append(RowError(row, title, raw.get(fieldname, "").strip(), reason, args))

	values = {f: normalize_text(raw.get(f)) for f in FIELDS if f not in ("email", "phone", "notes")}
	values["notes"] = (raw.get("notes") or "").strip() or None

	if not values["customer_name"]:
		fail("customer_name", _("{0} is required."), rules.labels["customer_name"])
	values["customer_type"] = pick(values["customer_type"], {t.lower(): t for t in rules.customer_types})
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
		values["phone"] = normalize_phone(raw.get("phone"), rules.region)
	except ValueError:
		fail("phone", _("is not a valid phone number (write it with its country code, or as a local number of {0})."), rules.default_country or "")

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

	for fieldname, length in rules.lengths.items():
		value = values.get(fieldname)
		if isinstance(value, str) and len(value) > length:
			fail(fieldname, _("is longer than {0} characters."), length)

	if errors:
		return None, errors
	values["name_key"] = rules.name_key(values["customer_name"]) or None
	return values, []


def pick(value: str | None, choices: dict[str, str]) -> str | None | bool:
	"""The choice a value names, case aside; None for no value, False for a value that names none."""
	if not value:
		return None
	return choices.get(value.lower(), False)


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
			return RowError(self.row, label, self.value, _("Duplicate: customer {0} already has this {1}."), (self.origin.customer, label))
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
	for error in sorted(errors, key=lambda e: e.row):
		writer.writerow([error.row, error.field, error.value, error.message(translate)])
	return out.getvalue()


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
		name_key=duplicates.name_key,
	)


# --- writing ----------------------------------------------------------------------------------


def existing_customers(rows: list[dict]) -> dict[tuple[str, str], str]:
	"""key -> customer name, for the keys of these rows that customers in the table already have.
	One query: an IN list on each indexed key column."""
	wanted: dict[str, set[str]] = {}
	for values in rows:
		for fieldname, value in identity_keys(values):
			wanted.setdefault(fieldname, set()).add(value)
	if not wanted:
		return {}
	table = frappe.qb.DocType(CUSTOMER)
	query = (
		frappe.qb.from_(table)
		.select(table.name, *(table[f] for f in wanted))
		.where(frappe.qb.terms.Criterion.any([table[f].isin(list(values)) for f, values in wanted.items()]))
	)
	found = {}
	for row in query.run(as_dict=True):
		for fieldname, values in wanted.items():
			value = (row[fieldname] or "").casefold()
			if value in values:
				found.setdefault((fieldname, value), row.name)
	return found


def write_customers(rows: list[dict]) -> list[str]:
	"""Insert customers from checked rows (as clean_row makes them), each with the primary Contact
	and billing Address its values make, as the controller would. Returns the names, in order.

	Names come from the naming series in one step; lifecycle state, completeness and the links to
	the contact and address are set on the rows before they are written."""
	meta = frappe.get_meta(CUSTOMER)
	series = meta.get_field("naming_series").options.split("\n")[0]
	names = reserve_names(series, len(rows))
	state = engine.initial_state(engine.get_workflow())
	rules = completeness.get_rules()
	now = now_datetime()
	customers, contact_docs, address_docs, addressed = [], [], [], []
	for name, values in zip(names, rows, strict=True):
		customer = {
			**values,
			"name": name,
			"naming_series": series,
			"lifecycle_status": state,
			"lifecycle_since": now,
			"primary_contact": None,
			"billing_address": None,
		}
		if customer["email"] or customer["phone"]:
			contact = contacts.contact_dict(customer)
			# as Contact.autoname names it: full name and the customer it is linked to
			contact["name"] = f"{contact['full_name']}-{name}"
			customer["primary_contact"] = contact["name"]
			contact_docs.append(contact)
		address = contacts.address_dict(customer)
		if address:
			address_docs.append(address)
			addressed.append(customer)
		customers.append(customer)
	name_addresses(address_docs)
	for customer, address in zip(addressed, address_docs, strict=True):
		customer["billing_address"] = address["name"]
	for customer in customers:
		customer["completeness"] = completeness.score(customer, rules)
	insert_docs(CUSTOMER, customers)
	insert_docs("Contact", contact_docs)
	insert_docs("Address", address_docs)
	return names


def name_addresses(docs: list[dict]) -> None:
	"""Address.autoname's "<title>-<type>", or, when that name is taken (in the table or by another
	address of the batch), "<title>-<type>-<customer>", which the customer's name keeps unique."""
	for doc in docs:
		doc["name"] = f"{(doc.get('address_title') or '').strip()}-{frappe._(doc['address_type']).strip()}"
	taken = set(frappe.get_all("Address", filters={"name": ("in", [d["name"] for d in docs])}, pluck="name")) if docs else set()
	for doc in docs:
		if doc["name"] in taken:
			doc["name"] = f"{doc['name']}-{doc['links'][0]['link_name']}"
		taken.add(doc["name"])


def insert_docs(doctype: str, docs: list[dict]) -> None:
	"""Write frappe.get_doc-style dicts (names set) and their child tables, as one batch."""
	if not docs:
		return
	user, now = frappe.session.user, now_datetime()
	standard = {"creation": now, "modified": now, "owner": user, "modified_by": user, "docstatus": 0}
	tables = {df.fieldname: df.options for df in frappe.get_meta(doctype).get_table_fields()}
	defaults = {dt: new_doc_defaults(dt) for dt in (doctype, *tables.values())}
	parents, children = [], {}
	for doc in docs:
		parents.append(with_defaults({k: v for k, v in doc.items() if k != "doctype" and k not in tables}, defaults[doctype]))
		for fieldname, child_doctype in tables.items():
			for idx, child in enumerate(doc.get(fieldname) or [], 1):
				row = {**child, "name": frappe.generate_hash(length=10), "parent": doc["name"], "idx": idx}
				children.setdefault((child_doctype, fieldname), []).append(with_defaults(row, defaults[child_doctype]))
	insert_rows(doctype, parents, {**standard, "idx": 0})
	for (child_doctype, fieldname), rows in children.items():
		insert_rows(child_doctype, rows, {**standard, "parenttype": doctype, "parentfield": fieldname})


def new_doc_defaults(doctype: str) -> dict:
	"""The values Document.insert gives a new record's empty fields (Document._set_defaults)."""
	meta = frappe.get_meta(doctype)
	columns = set(meta.get_valid_columns()) - {*default_fields, *child_table_fields}
	return {k: v for k, v in frappe.new_doc(doctype, as_dict=True).items() if k in columns and v is not None}


def with_defaults(row: dict, defaults: dict) -> dict:
	for key, value in defaults.items():
		if row.get(key) is None:
			row[key] = value
	return row


def insert_rows(doctype: str, rows: list[dict], constants: dict) -> None:
	"""Multi-row INSERTs of `rows` (dicts of column values), with `constants` in every row.

	frappe.db.bulk_insert builds its statement with pypika, about 5 µs a value, and a 100k-customer
	file with contacts and addresses is several million values: that alone would cap the import
	near 2,000 rows/s. Here each value is escaped by pymysql's own escaping (what frappe.db.sql
	uses), the values every row shares (creation, owner, parenttype ...) once, and the statement
	is joined as text: raw SQL, for speed."""
	fields = list(dict.fromkeys(key for row in rows for key in row))
	fixed = ", ".join(literal(v) for v in constants.values())
	columns = ", ".join(f"`{f}`" for f in [*constants, *fields])
	for start in range(0, len(rows), INSERT_BATCH):
		values = ", ".join(
			f"({fixed}, {', '.join([literal(row.get(f)) for f in fields])})" for row in rows[start : start + INSERT_BATCH]
		)
		frappe.db.sql(f"INSERT INTO `tab{doctype}` ({columns}) VALUES {values}")


def literal(value) -> str:
	"""A value as SQL text, escaped as pymysql escapes query parameters. Text that frappe.db.sql
	would rewrite (it turns "ifnull(" into "coalesce(" anywhere in a statement) goes as hex."""
	if value is None:
		return "NULL"
	if value.__class__ is str:
		if "ifnull(" in value.lower():
			return f"_utf8mb4 X'{value.encode().hex()}'"
		return f"'{escape_string(value)}'"
	return escape_item(value, "utf8mb4")


def remove_customers(names: list[str]) -> None:
	"""Delete customers with the Contacts and Addresses linked to them, in bulk (the benchmark's
	and the tests' clean-up after a committed import; not for records people use, which go
	through Customer.on_trash)."""
	for start in range(0, len(names), INSERT_BATCH):
		batch = names[start : start + INSERT_BATCH]
		for doctype, children in (("Contact", ("Contact Email", "Contact Phone")), ("Address", ())):
			parents = frappe.get_all(
				"Dynamic Link",
				filters={"parenttype": doctype, "link_doctype": CUSTOMER, "link_name": ("in", batch)},
				pluck="parent",
			)
			if parents:
				for child in (*children, "Dynamic Link"):
					frappe.db.delete(child, {"parenttype": doctype, "parent": ("in", parents)})
				frappe.db.delete(doctype, {"name": ("in", parents)})
		frappe.db.delete("Customer Lifecycle Change", {"customer": ("in", batch)})
		frappe.db.delete(CUSTOMER, {"name": ("in", batch)})
