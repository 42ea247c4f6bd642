"""Checking the rows of a customer file, and sorting out the ones that are the same customer.

Pure but for existing_customers, the one query (the keys the table already has): each row is
normalised and checked the way the Customer controller would (RowChecker), every problem kept as
an untranslated RowError for the error file; rows that share an email, phone or ID number with
an earlier row or a customer in the table are duplicates (sort_out).
"""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import frappe

from customer_lifecycle.customers.importer.mapping import MAPPED, company_flag, is_flag_word
from customer_lifecycle.customers.importer.reading import _
from customer_lifecycle.customers.importer.rules import FIELDS, Rules
from customer_lifecycle.utils.customer_fields import ADDRESS_LINES
from customer_lifecycle.utils.doctypes import CUSTOMER
from customer_lifecycle.utils.normalize import PHONE_PROBLEM, normalize_email, normalize_phone, normalize_text
from customer_lifecycle.utils.phones import e164_phone, is_valid_number, national_phone

# what makes two rows the same customer; a row with none of them is known by its name alone
KEY_FIELDS = ("email", "phone", "id_number")
ERROR_HEADER = ("Row", "Field", "Value", "Reason")


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


class RowChecker:
	"""Checks the rows of one file, with what that needs worked out once: the column plan (which
	cells to read for each field, and what a mapping's own columns add), the error file's titles,
	the choices by lower-cased name, and the phone numbers seen so far (parsing one is most of the
	cost of a row). `check` gives a row's values normalised as the Customer controller stores them,
	or None with the reasons: every problem in the row, each naming its column, so one pass over the
	error file is enough to fix the row."""

	def __init__(self, mapping: dict[str, int], header: list[str], rules: Rules):
		"""`mapping` is the column plan (mapping.plan_columns): target -> the index of its column."""
		self.rules = rules
		plan = dict(mapping)
		if "mobile" in plan and "phone" not in plan:
			# a mobile column alone is the phone
			plan["phone"] = plan.pop("mobile")
		self.titles = {target: header[index] for target, index in plan.items()}
		# the Customer fields read as the file has them
		self.columns = [(target, index) for target, index in plan.items() if target not in MAPPED]
		# the columns a mapping adds, each read only when the file has it
		self.first, self.last = plan.get("first_name"), plan.get("last_name")
		self.company, self.mobile, self.stage = plan.get("company"), plan.get("mobile"), plan.get("stage")
		self.derives = any(plan.get(target) is not None for target in MAPPED)
		# the titles for a row whose phone is its mobile number
		self.mobile_titles = {**self.titles, "phone": self.titles.get("mobile")}
		self.types = {t.lower(): t for t in rules.customer_types}
		self.text_fields = [f for f in FIELDS if f not in ("email", "phone", "notes")]
		self.lengths = list(rules.lengths.items())
		# raw text -> E.164 number, None for no number, or the ValueError it raised
		self.phones: dict[str, str | ValueError | None] = {}

	def derive(self, cells: list[str], raw: dict[str, str]) -> tuple[dict, dict[str, str]]:
		"""What a mapping's own columns make of a row: its name from the first and last names (or,
		with neither, the company's name), its type from the company flag, its phone from the mobile
		number, each where the file's own column for it is empty (raw is changed in place). Returns
		what the writer keeps beside the Customer fields (the names for the Contact, the company's
		name, the stage) and the titles the row's errors name."""
		width = len(cells)

		def cell(index: int | None) -> str:
			return ((cells[index] if index < width else "") or "").strip() if index is not None else ""

		extra: dict = {}
		titles = self.titles
		if (self.first is not None or self.last is not None) and not raw.get("customer_name", "").strip():
			first, last = cell(self.first), cell(self.last)
			raw["customer_name"] = f"{first} {last}"
			extra["first_name"], extra["last_name"] = normalize_text(first), normalize_text(last)
		if self.company is not None:
			company = cell(self.company)
			if not raw.get("customer_type", "").strip():
				raw["customer_type"] = (company_flag(company) and self.rules.company_type) or ""
			if company and not is_flag_word(company):
				if raw.get("customer_name", "").strip():
					extra["company_name"] = normalize_text(company)
				else:
					raw["customer_name"] = company
		if self.mobile is not None and not raw.get("phone", "").strip():
			raw["phone"] = cell(self.mobile)
			titles = self.mobile_titles
		if self.stage is not None:
			extra["stage"] = normalize_text(cell(self.stage))
		return extra, titles

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
		extra, titles = self.derive(cells, raw) if self.derives else (None, self.titles)

		def fail(fieldname: str, reason: str, *args):
			title = titles.get(fieldname) or rules.labels[fieldname]
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
			fail("phone", PHONE_PROBLEM.msg, rules.default_country or "")

		# a row with any of the address lines (country aside) makes an Address
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
		if extra:
			values.update(extra)
		return values, []


def pick(value: str | None, choices: dict[str, str]) -> str | bool | None:
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
