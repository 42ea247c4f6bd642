"""A customer file's columns and what each is imported as: the targets a column may have, the
suggestion for each column of a file (from its title, then from its first values), the header set a
saved mapping is offered again for, and the column plan a chosen mapping makes for RowChecker.

Pure (no database): what it needs to know about the site comes in a Rules.
"""

import hashlib
import re
from collections.abc import Iterable
from itertools import zip_longest

from customer_lifecycle.customers.importer.reading import ImportFileError, _
from customer_lifecycle.customers.importer.rules import Rules
from customer_lifecycle.utils.normalize import normalize_email

# What a column may be imported as: (key, the option a mapping row stores). The keys are the
# Customer fields a file may fill (rules.FIELDS) and what a mapping adds (MAPPED); the options are
# those of Customer Import Column.field, in this order (a unit test holds the JSON to them).
TARGETS = (
	("customer_name", "Customer Name"),
	("first_name", "First Name"),
	("last_name", "Last Name"),
	("customer_type", "Customer Type"),
	("company", "Company (flag or company name)"),
	("customer_category", "Customer Category"),
	("email", "Email"),
	("phone", "Phone"),
	("mobile", "Mobile (when Phone is empty)"),
	("id_number", "ID Number"),
	("notes", "Notes"),
	("stage", "Lifecycle Stage (kept in a note)"),
	("address_line1", "Address Line 1"),
	("address_line2", "Address Line 2"),
	("city", "City/Town"),
	("county", "County/State"),
	("pincode", "Postal Code"),
	("country", "Country"),
)
OPTIONS = dict(TARGETS)
TARGET_OF = {option: key for key, option in TARGETS}
# what a mapping adds to the Customer fields: first and last names (joined into the customer's
# name, kept apart on its Contact), a company flag or company name (the customer type), a mobile
# number (the phone when the file's phone is empty) and a lifecycle stage (a note on the customer)
MAPPED = ("first_name", "last_name", "company", "mobile", "stage")
# what gives a customer its name: one of them must be imported
NAME_TARGETS = ("customer_name", "first_name", "last_name", "company")

# column titles (as normal_title writes them) that suggest a target, best first; a title that is a
# Customer field's label or fieldname (Rules.columns) comes before any of these. (A "Type" column is
# known by its values: customer types, or company flags such as Company / Person.)
TITLES = {
	"customer_name": (
		"name",
		"full name",
		"contact name",
		"customer",
		"client",
		"client name",
		"display name",
		"contact",
	),
	"first_name": ("first name", "firstname", "given name", "forename", "first"),
	"last_name": ("last name", "lastname", "surname", "family name", "last"),
	"company": (
		"is a company",
		"is company",
		"company",
		"company name",
		"organisation",
		"organization",
		"organisation name",
		"organization name",
		"business name",
		"associated company",
		"account name",
	),
	"customer_category": ("category", "customer group", "client category"),
	"email": ("email", "e mail", "email address", "e mail address", "primary email", "mail"),
	"phone": ("phone number", "telephone", "tel", "work phone", "business phone", "landline", "phone 1"),
	"mobile": ("mobile", "mobile phone", "mobile phone number", "mobile number", "cell", "cell phone"),
	"id_number": ("tax id", "vat", "vat number", "tax number", "registration number", "company number"),
	"notes": ("note", "comments", "comment", "description", "about"),
	"stage": (
		"lifecycle stage",
		"lifecycle",
		"stage",
		"lifecycle status",
		"customer stage",
		"pipeline stage",
	),
	"address_line1": ("street", "street address", "address", "address 1", "street 1", "address line1"),
	"address_line2": ("street2", "street 2", "address 2", "address line2", "address line 2"),
	"city": ("town", "city", "town city"),
	"county": ("state", "county", "region", "state region", "province", "county state"),
	"pincode": ("zip", "zip code", "postcode", "post code", "postal code", "zip postal code"),
	"country": ("country region", "country name"),
}
# a company flag's values: these say "no", any other text "yes" (true, 1, Company, a company's name)
NOT_A_COMPANY = frozenset({"", "0", "no", "n", "false", "f", "individual", "person", "private", "none", "-"})
# what a column of company flags holds (with NOT_A_COMPANY): a column of these is taken for a flag only
# when its title speaks of a company, or some value is a word of the kind
FLAG_WORDS = frozenset({"1", "yes", "y", "true", "t", "x", "company", "business", "organisation"})
KIND_WORDS = frozenset({"company", "business", "organisation", "individual", "person", "private"})
# the share of a column's first values that must look like emails (or phones ...) for a suggestion
SHARE = 0.8
# how many of a file's first rows the suggestions look at
SAMPLE_ROWS = 20

PHONE_SHAPE = re.compile(r"^(?:\+|00|0|\()[0-9 ().-]{6,}$")
NOT_A_WORD = re.compile(r"[\W_]+")


def normal_title(title: str | None) -> str:
	"""A column title as titles are compared: case, punctuation and spacing aside."""
	return NOT_A_WORD.sub(" ", (title or "").casefold()).strip()


def header_key(header: Iterable[str]) -> str:
	"""What files with the same columns (in any order, titles compared as normal_title does) share:
	the key a saved mapping is found by."""
	titles = sorted({normal_title(title) for title in header} - {""})
	return hashlib.sha1("\n".join(titles).encode()).hexdigest()


def column_values(rows: list[list[str]], index: int) -> list[str]:
	"""A column's non-empty values in these rows, trimmed."""
	values = []
	for cells in rows:
		value = (cells[index] if index < len(cells) else "") or ""
		value = value.strip()
		if value:
			values.append(value)
	return values


def first_values(rows: list[list[str]], index: int, count: int = 3, length: int = 140) -> str:
	"""What the form shows of a column: its first `count` values, cut to `length` characters."""
	text = ", ".join(column_values(rows, index)[:count])
	return text if len(text) <= length else text[: length - 1] + "…"


def suggest(header: list[str], rows: list[list[str]], rules: Rules) -> list[str | None]:
	"""The target suggested for each column (None: not imported), each target for one column at most.

	From the titles first: a Customer field's label or fieldname (Rules.columns), then TITLES, best
	match first; then, for the columns left, from their first values (`rows`): emails, phone
	numbers, customer types, lifecycle states, company flags, countries."""
	by_label = {normal_title(title): fieldname for title, fieldname in rules.columns.items()}
	candidates = []  # (rank, column, target)
	for index, title in enumerate(header):
		title = normal_title(title)
		if not title:
			continue
		if title in by_label:
			candidates.append((-1, index, by_label[title]))
		for target, titles in TITLES.items():
			if title in titles:
				candidates.append((titles.index(title), index, target))
	targets: list[str | None] = [None] * len(header)
	for _rank, index, target in sorted(candidates):
		if targets[index] is None and target not in targets:
			targets[index] = target
	for index, title in enumerate(header):
		if targets[index] is None:
			target = suggest_from_values(title, column_values(rows, index), rules)
			if target and target not in targets:
				targets[index] = target
	return targets


def suggest_from_values(title: str, values: list[str], rules: Rules) -> str | None:
	"""What a column's first values say it is, or None."""
	if not values:
		return None
	folded = [value.casefold() for value in values]

	def share(test) -> float:
		return sum(1 for value in values if test(value)) / len(values)

	if share(is_email) >= SHARE:
		return "email"
	if share(looks_like_phone) >= SHARE:
		return "phone"
	types = {t.casefold() for t in rules.customer_types}
	if all(value in types for value in folded):
		return "customer_type"
	if rules.states and all(value in rules.states for value in folded):
		return "stage"
	if all(value in FLAG_WORDS or value in NOT_A_COMPANY for value in folded) and (
		"compan" in normal_title(title) or KIND_WORDS.intersection(folded)
	):
		return "company"
	if rules.countries and all(value in rules.countries for value in folded):
		return "country"
	return None


def is_email(value: str) -> bool:
	try:
		return bool(normalize_email(value))
	except ValueError:
		return False


def looks_like_phone(value: str) -> bool:
	"""Written as phone numbers are (not whether it is a valid one: the checker says that, row by
	row): a + or a 0 or a bracket first, 7 to 15 digits; dates and times are not."""
	digits = sum(ch.isdigit() for ch in value)
	return bool(PHONE_SHAPE.match(value)) and 7 <= digits <= 15 and not DATE_SHAPE.match(value)


DATE_SHAPE = re.compile(r"^(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})\b")


def mapped_targets(header: list[str], rows: dict[str, str]) -> list[str | None]:
	"""A saved mapping's targets for a file's columns: `rows` is the mapping's column title ->
	target, titles compared as normal_title does; a column the mapping does not name is not imported."""
	by_title = {normal_title(title): target for title, target in rows.items()}
	return [by_title.get(normal_title(title)) or None for title in header]


def target_label(target: str, labels: dict[str, str]) -> str:
	"""How the error file and messages name a target: a Customer field's label, else its option."""
	return labels.get(target) or OPTIONS[target]


def plan_columns(
	header: list[str], targets: list[str | None], labels: dict[str, str]
) -> tuple[dict[str, int], list[str]]:
	"""The column plan a mapping makes: target -> column index, and the titles of the columns not
	imported. Raises ImportFileError when two columns go to one target or nothing names the customer."""
	plan: dict[str, int] = {}
	left_out = []
	for index, (title, target) in enumerate(zip_longest(header, targets[: len(header)])):
		title = " ".join((title or "").split())
		if not target:
			if title:
				left_out.append(title)
			continue
		if target not in OPTIONS:
			raise ImportFileError(
				_("Column {0}: {1} is not something a column can be imported as."), title, target
			)
		if target in plan:
			raise ImportFileError(
				_("Two columns are for {0}: {1} and {2}."),
				target_label(target, labels),
				header[plan[target]],
				title,
			)
		plan[target] = index
	if not any(target in plan for target in NAME_TARGETS):
		raise ImportFileError(
			_(
				"The file has no {0} column (the header is row 1), and no First Name, Last Name or Company column."
			),
			labels["customer_name"],
		)
	return plan, left_out


def company_flag(value: str) -> bool:
	"""Whether a company column's value makes the customer a company: yes, true, 1, x, "Company",
	or a company's name do; empty, no, false, 0, "Individual", "Person" do not."""
	return value.strip().casefold() not in NOT_A_COMPANY


def is_flag_word(value: str) -> bool:
	"""Whether a company column's value is a flag (yes, no, true, Company, ...), not a company's name."""
	folded = value.strip().casefold()
	return folded in FLAG_WORDS or folded in NOT_A_COMPANY


def stage_state(stage: str | None, states: dict[str, str]) -> str | None:
	"""The lifecycle state a file's stage names (case and spacing aside; `states`: the state names
	and their translations, case-folded, -> the state), or None."""
	if not stage:
		return None
	return states.get(" ".join(stage.split()).casefold())
