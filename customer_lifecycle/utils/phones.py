"""Phone numbers as normalize_phone gives them, the faster way: pure functions, no database.

Parsing and validating a number with phonenumbers is most of what checking a row of a customer
file costs. What is here redoes, from the library's own metadata, the parts of its private code
that the common numbers go through: e164_phone and national_phone for the commonest ways of
writing a number (None for any other, which normalize_phone deals with), and is_valid_number, the
library's validity check, for normalize_phone to use. tests/unit/test_phones.py checks their
answers against the library's on numbers of every region, so that a release of phonenumbers that
changes its rules shows there.
"""

import re

import phonenumbers

E164_SHAPE = re.compile(r"\+[1-9][0-9]{6,14}")
# a number written as dialled at home: digits, with spaces, dots, dashes or brackets between
NATIONAL_SHAPE = re.compile(r"\(?[0-9][0-9 .()-]*")
SEPARATORS = re.compile(r"[ .()-]")


def e164_phone(text: str) -> str | None:
	"""normalize_phone for text that is already in E.164 form ("+" and digits only, no leading 0):
	the text itself if it is a valid number, ValueError if it is not, None for any text this short
	cut does not cover (normalize_phone it). phonenumbers.parse is much of what a number costs, and
	for such text it does only this: the country code is the shortest known one the digits start
	with, the rest is the national number unless the country's national prefix could start it. The
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
	cache lookup) and matches the types one by one, for the region and again to validate, which is
	most of what checking a row costs; here each region's patterns are compiled once, and matched
	once. (Unit-tested against the library, on numbers of every region.)"""
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
