"""Likely duplicate customers: the name key, the scoring, and the lookup on create.

Three exact signals — the normalised email, the E.164 phone and the ID number — and one fuzzy one:
the customer name. Names are compared by a phonetic *name key* (`name_key`, an indexed hidden field
every save fills), so a fuzzy candidate is found by an index lookup, never by scanning the table;
the candidates are then scored by token similarity of the names.

The first part of this module is pure (no database), so the rules are unit tested in milliseconds
and bulk code (imports, the demo data, the patch) computes keys the same way. The second part is
the lookup that the Customer controller, the desk's API and the duplicates report share.

Scores (0-100, capped): same email or ID number 100, and either one blocks creation unless a
Customer Manager overrides it; same phone 70; a similar name 42-50 by its similarity, plus 25 when
the two also share an email domain that is not a free-mail one. Phone and name matches only warn.
"""

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache
from typing import NamedTuple

import frappe
from frappe import _
from frappe.utils import escape_html, get_link_to_form

from customer_lifecycle.utils.doctypes import CUSTOMER

# ---------------------------------------------------------------------------------------------
# Pure rules
# ---------------------------------------------------------------------------------------------

NAME_KEY_LENGTH = 140
# words that say what kind of entity or person it is, not which one
STOP_WORDS = frozenset(
	"""
	and the of for
	ltd limited inc incorporated corp corporation co company llc llp lp plc pty pvt
	gmbh ag sa sarl bv nv srl spa oy ab as
	trust trustees
	mr mrs ms miss mx dr prof sir dame
	""".split()
)
FREE_MAIL_DOMAINS = frozenset(
	"""
	gmail.com googlemail.com yahoo.com yahoo.co.uk yahoo.co.in ymail.com hotmail.com hotmail.co.uk
	outlook.com live.com msn.com aol.com icloud.com me.com mac.com proton.me protonmail.com
	gmx.com gmx.net mail.com zoho.com yandex.com rediffmail.com
	""".split()
)
EXACT_POINTS = {"email": 100, "id_number": 100, "phone": 70}
BLOCKING = ("email", "id_number")
NAME_POINTS = 50
DOMAIN_POINTS = 25
# token similarity from which two names count as "similar"; a shared name key counts as this much
NAME_THRESHOLD = 0.85
PHONETIC_SIMILARITY = 0.9

_PHONETIC_RULES = tuple(
	(re.compile(pattern), replacement)
	for pattern, replacement in (
		(r"^(?:kn|gn|pn)", "n"),
		(r"^wr", "r"),
		(r"^ps", "s"),
		(r"^x", "s"),
		(r"x", "ks"),
		(r"^wh", "w"),
		(r"mb$", "m"),
		(r"sch", "sk"),
		(r"ph", "f"),
		(r"t?ch|sh", "x"),
		(r"th", "0"),
		(r"dg(?=[eiy])", "j"),
		(r"gh(?![aeiouy])", ""),
		(r"ck", "k"),
		(r"c(?=[eiy])", "s"),
		(r"[cq]", "k"),
		(r"g(?=[eiy])", "j"),
		(r"z", "s"),
		(r"v", "f"),
	)
)
_REPEATS = re.compile(r"(.)\1+")
_WORDS = re.compile(r"\w+")
_APOSTROPHES = re.compile(r"['’`]")


class Reason(NamedTuple):
	"""Why a customer may be the same: kind is email, id_number, phone, name or domain."""

	kind: str
	value: str | int


class Match(NamedTuple):
	score: int
	reasons: list[Reason]
	blocks: bool


def name_tokens(customer_name: str | None) -> list[str]:
	"""The words of a name that tell it apart: lower case, accents and apostrophes dropped, without
	legal forms, titles, joining words and initials (unless nothing else is left)."""
	return list(_tokens(customer_name or ""))


@lru_cache(maxsize=8192)
def _tokens(customer_name: str) -> tuple[str, ...]:
	# cached: the report compares each name with every other in its group
	text = unicodedata.normalize("NFKD", customer_name)
	text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
	words = _WORDS.findall(_APOSTROPHES.sub("", text).replace("_", " "))
	kept = tuple(w for w in words if w not in STOP_WORDS and (len(w) > 1 or w.isdigit()))
	return kept or tuple(words)


def phonetic(word: str) -> str:
	"""A sound-alike code of one lower-case word, in the spirit of Metaphone: letters that sound
	alike become one letter, vowels after the first letter and doubled letters go. "jon" and
	"john" give "jn", "smyth" and "smith" "sm0", "catherine" and "kathryn" "k0rn"."""
	if not word.isascii() or word.isdigit():
		return word
	word = _REPEATS.sub(r"\1", word)
	for pattern, replacement in _PHONETIC_RULES:
		word = pattern.sub(replacement, word)
	if not word:
		return ""
	first = "a" if word[0] in "aeiouy" else word[0]
	rest = re.sub(r"[aeiouyhw]", "", word[1:])
	return _REPEATS.sub(r"\1", first + rest)


def name_key(customer_name: str | None) -> str:
	"""The indexed key of a name: the sorted, distinct phonetic codes of its words, so word order,
	spelling variants, legal forms and titles do not matter ("Smyth, Jon" and "Mr John Smith" both
	give "jn sm0"). Empty for an empty name. Stable: stored keys are compared with new ones."""
	codes = sorted({code for code in map(phonetic, name_tokens(customer_name)) if code})
	return " ".join(codes)[:NAME_KEY_LENGTH].strip()


def token_set_ratio(a: list[str], b: list[str]) -> float:
	"""Similarity (0-1) of two word lists, ignoring order and repeats; a name whose words are all
	in the other scores 1 ("John Smith" and "John Peter Smith")."""
	sa, sb = set(a), set(b)
	if not sa or not sb:
		return 0.0
	common = " ".join(sorted(sa & sb))
	left = f"{common} {' '.join(sorted(sa - sb))}".strip()
	right = f"{common} {' '.join(sorted(sb - sa))}".strip()
	pairs = ((left, right), (common, left), (common, right)) if common else ((left, right),)
	return max(SequenceMatcher(None, x, y).ratio() for x, y in pairs)


def name_similarity(
	a: str | None, b: str | None, key_a: str | None = None, key_b: str | None = None
) -> float:
	"""How alike two customer names are (0-1): 1 for the same words, PHONETIC_SIMILARITY for names
	that sound the same (equal name keys; pass them when known), else the token similarity."""
	tokens_a, tokens_b = name_tokens(a), name_tokens(b)
	if tokens_a and set(tokens_a) == set(tokens_b):
		return 1.0
	key = key_a or name_key(a)
	if key and key == (key_b or name_key(b)):
		return PHONETIC_SIMILARITY
	return token_set_ratio(tokens_a, tokens_b)


def email_domain(email: str | None) -> str | None:
	if not email or "@" not in email:
		return None
	return email.rpartition("@")[2] or None


def score(new: dict, existing: dict) -> Match | None:
	"""Score how likely `existing` is the customer that `new` describes. Both are dicts of
	customer_name, email, phone and id_number (already normalised), and name_key when known;
	None when nothing matches."""
	reasons = [
		Reason(field, new[field])
		for field in EXACT_POINTS
		if new.get(field) and new[field] == existing.get(field)
	]
	points = sum(EXACT_POINTS[r.kind] for r in reasons)
	similarity = name_similarity(
		new.get("customer_name"), existing.get("customer_name"), new.get("name_key"), existing.get("name_key")
	)
	if similarity >= NAME_THRESHOLD:
		reasons.append(Reason("name", round(similarity * 100)))
		points += round(NAME_POINTS * similarity)
		domain = email_domain(new.get("email"))
		if domain and domain not in FREE_MAIL_DOMAINS and domain == email_domain(existing.get("email")):
			reasons.append(Reason("domain", domain))
			points += DOMAIN_POINTS
	if not reasons:
		return None
	return Match(min(100, points), reasons, any(r.kind in BLOCKING for r in reasons))


# ---------------------------------------------------------------------------------------------
# Lookup and the Customer controller
# ---------------------------------------------------------------------------------------------

KEY_FIELDS = ("email", "phone", "id_number", "name_key")
CANDIDATE_FIELDS = (
	"name",
	"customer_name",
	"name_key",
	"email",
	"phone",
	"id_number",
	"lifecycle_status",
	"archived",
)
# rows read per key: a very common name key must not turn the check into a long read
PER_KEY_LIMIT = 20
MANAGER_ROLES = ("Customer Manager", "System Manager")


class DuplicateCustomerError(frappe.DuplicateEntryError, frappe.ValidationError):
	"""A new customer has the email or ID number of an existing one (HTTP 409)."""


def find_duplicates(values: dict, exclude: str | None = None, limit: int = 10) -> list[dict]:
	"""Existing customers that may be the one `values` describe, best first, each with score,
	reasons (sentences), blocks and archived. `values` are normalised customer fields; name_key
	is computed from customer_name when absent. One query, index lookups only."""
	values = dict(values, name_key=values.get("name_key") or name_key(values.get("customer_name")))
	found: dict[str, dict] = {}
	for row in candidate_rows(values, exclude):
		match = None if row.name in found else score(values, row)
		if match:
			found[row.name] = {
				"name": row.name,
				"customer_name": row.customer_name,
				"lifecycle_status": row.lifecycle_status,
				"archived": row.archived,
				"score": match.score,
				"blocks": match.blocks,
				"reasons": [describe(r) for r in match.reasons] + ([_("archived")] if row.archived else []),
				"kinds": [r.kind for r in match.reasons],
			}
	return sorted(found.values(), key=lambda c: (-c["score"], c["customer_name"] or ""))[:limit]


def candidate_rows(values: dict, exclude: str | None) -> list[dict]:
	"""Customers sharing an email, phone, ID number or name key with `values`: one UNION ALL of
	index lookups, each limited. Raw SQL because frappe.qb does not parenthesise the limited
	members of a UNION for MariaDB."""
	columns = ", ".join(f"`{f}`" for f in CANDIDATE_FIELDS)
	parts, params = [], []
	for field in KEY_FIELDS:
		if values.get(field):
			parts.append(
				f"(select {columns} from `tabCustomer` where `{field}` = %s and `name` != %s limit {PER_KEY_LIMIT})"
			)
			params += [values[field], exclude or ""]
	if not parts:
		return []
	return frappe.db.sql(" union all ".join(parts), params, as_dict=True)


def describe(reason: Reason) -> str:
	"""A reason as a person reads it."""
	if reason.kind == "name":
		return _("similar name ({0}%)").format(reason.value) if reason.value < 100 else _("same name")
	if reason.kind == "domain":
		return _("same email domain {0}").format(reason.value)
	label = frappe.get_meta(CUSTOMER).get_label(reason.kind)
	return _("same {0} {1}").format(_(label), reason.value)


def is_manager(user: str | None = None) -> bool:
	return bool(set(MANAGER_ROLES) & set(frappe.get_roles(user)))


def validate_customer(doc) -> None:
	"""Customer.validate: keep the name key, and on create refuse an exact duplicate (same email or
	ID number) unless a Customer Manager saves it anyway, which is recorded."""
	doc.name_key = name_key(doc.customer_name) or None
	check_override_permission(doc)
	if not doc.is_new():
		return
	blocking = [c for c in find_duplicates(doc.as_dict(), exclude=doc.name) if c["blocks"]]
	if not blocking:
		doc.allow_duplicate = 0
	elif doc.allow_duplicate:
		record_override(doc, blocking)
	else:
		throw_duplicate(doc, blocking)


def check_override_permission(doc) -> None:
	"""Only Customer Managers (and System Managers) may save a customer despite a duplicate."""
	if not doc.allow_duplicate or is_manager():
		return
	before = None if doc.is_new() else doc.get_doc_before_save()
	if before and before.allow_duplicate:
		return
	frappe.throw(
		_("Only a Customer Manager may set {0}.").format(
			frappe.bold(_(doc.meta.get_label("allow_duplicate")))
		),
		frappe.PermissionError,
		title=_("Not Permitted"),
	)


def throw_duplicate(doc, blocking: list[dict]) -> None:
	lines = []
	for field in BLOCKING:
		same = [c for c in blocking if field in c["kinds"]]
		if same:
			lines.append(
				_("{0} {1} is already used by {2}.").format(
					frappe.bold(_(doc.meta.get_label(field))),
					frappe.bold(escape_html(doc.get(field))),
					", ".join(customer_link(c) for c in same),
				)
			)
	lines.append(_("Open the existing customer, or ask a Customer Manager to save this one anyway."))
	frappe.throw("<br>".join(lines), DuplicateCustomerError, title=_("Customer already exists"))


def customer_link(candidate: dict) -> str:
	"""A link to the matching customer, or no name at all when the user may not read it."""
	if not frappe.has_permission(CUSTOMER, "read", candidate["name"]):
		return _("a {0} you have no access to").format(_(CUSTOMER))
	return get_link_to_form(
		CUSTOMER, candidate["name"], escape_html(candidate["customer_name"] or candidate["name"])
	)


def record_override(doc, blocking: list[dict]) -> None:
	"""A Comment on the new customer: which customers it duplicates, why, and who saved it anyway.
	It is written during validate, before the customer row, so links are not checked; it goes
	with the customer if the insert fails and is rolled back."""
	matched = "; ".join(f"{customer_link(c)} ({escape_html(', '.join(c['reasons']))})" for c in blocking)
	frappe.get_doc(
		{
			"doctype": "Comment",
			"comment_type": "Info",
			"reference_doctype": CUSTOMER,
			"reference_name": doc.name,
			"content": _("Saved despite likely duplicates by {0}: {1}").format(
				escape_html(frappe.session.user), matched
			),
		}
	).insert(ignore_permissions=True, ignore_links=True)
