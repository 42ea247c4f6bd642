"""Normalisation of contact data: pure functions, no database.

The controller turns the ValueError raised here into an error that names the field.
"""

import re
from collections.abc import Callable

import phonenumbers
from frappe import _lt

# why a phone number was refused, wherever one is typed (the desk, the portal, an import file); {0} is
# the site's country, whose local numbers are accepted without a country code
PHONE_PROBLEM = _lt(
	"is not a valid phone number: write it with its country code, e.g. +44 20 7946 0958, or as a local number of {0}"
)

# A pragmatic address check: one @, a dotted domain, no spaces. RFC 5322 allows more, but
# nothing a customer types into a form needs more.
_EMAIL_RE = re.compile(
	r"^[a-z0-9!#$%&'*+/=?^_`{|}~.-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$"
)


def normalize_email(value: str | None) -> str | None:
	"""Trim and lower-case an email address; None or blank gives None.

	Raises ValueError when what is left is not an email address.
	"""
	if value is None:
		return None
	email = value.strip().lower()
	if not email:
		return None
	local, _, domain = email.rpartition("@")
	if not _EMAIL_RE.match(email) or ".." in email or local.startswith(".") or local.endswith("."):
		raise ValueError(f"{value.strip()!r} is not a valid email address")
	if len(local) > 64 or len(domain) > 253:
		raise ValueError(f"{value.strip()!r} is too long to be an email address")
	return email


def normalize_phone(
	value: str | None, region: str | None = None, is_valid: Callable = phonenumbers.is_valid_number
) -> str | None:
	"""Return a phone number in E.164 form ("+27821234567"); None or blank gives None.

	region is an ISO 3166 alpha-2 code (any case) used for numbers written without a country code.
	Raises ValueError for anything that is not a valid number. `is_valid`: phonenumbers' check, or
	one that gives the same answers faster (phones.is_valid_number).
	"""
	if value is None:
		return None
	raw = value.strip()
	if not raw:
		return None
	if raw.startswith("00"):
		raw = "+" + raw[2:]
	try:
		number = phonenumbers.parse(raw, (region or "").upper() or None)
	except phonenumbers.NumberParseException as e:
		if e.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
			raise ValueError(f"{raw!r} has no country code, and no default country is set") from e
		raise ValueError(f"{raw!r} is not a phone number") from e
	if not is_valid(number):
		raise ValueError(f"{raw!r} is not a valid phone number")
	return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_text(value: str | None) -> str | None:
	"""Collapse runs of white space and trim; None or blank gives None."""
	if value is None:
		return None
	text = " ".join(value.split())
	return text or None
