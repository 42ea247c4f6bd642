"""What people call a customer here ("Client", "Account"...), through Frappe Translation records.

Everything a person reads goes through `_()` (Python, Jinja) or `__()` (desk JavaScript), and a
Translation record (language, source text, translated text) changes what those return without
touching code. So when an admin sets the words in Customer Lifecycle Settings, this module lists the
strings of the app that name a customer — its translatable messages, the names, labels and options
of its DocTypes, its workflow, reports and workspaces, as `frappe.translate` collects them — rewrites
the word in each (case and plural kept) and writes one Translation per string and language.

Frappe's own desk texts are built on the DocType's name: the list title, breadcrumb and sidebar read
`__(doctype)`, the list button is `__("Add") + " " + __(doctype)`, the form and dialog titles are
`__("New {0}", [__(doctype)])`, the workspace sidebar reads `__(title)`. The records for "Customer"
and "Customers" therefore cover them, and website pages too (`_()` in Jinja reads the same records).

The records the app writes are named PREFIX + a digest of language, text and context, so it finds
them again: another word rewrites them, going back to Customer/Customers deletes them. They keep
`modified == creation`; one an admin has since edited is theirs and left alone, and a Translation an
admin wrote for the same text wins over the app's.

The work runs inline in the settings' save, not in a background job: some tens of strings in each
language (a few hundred records at most), one DELETE and one multi-row INSERT, most of the time
going to reading the app's source for its messages.
Inline, the records are written in the save's transaction, so the words change completely or not at
all, the reload the form offers shows them at once, and no worker has to be running.
"""

import hashlib
import json
import re

import frappe
from frappe import _
from frappe.translate import clear_cache, get_messages_for_app
from frappe.utils import escape_html, is_html, strip_html_tags

from customer_lifecycle.utils.doctypes import SETTINGS

APP = "customer_lifecycle"
TRANSLATION = "Translation"
SINGULAR, PLURAL = "Customer", "Customers"
TERM_FIELDS = ("customer_term", "customer_term_plural")
# the settings' own terminology fields keep naming the word they replace
OWN_FIELDS = ("terminology_section", *TERM_FIELDS)
PREFIX = "cl-term-"
RECORD_FIELDS = ("language", "source_text", "context", "translated_text")
MAX_LENGTH = 40

# Spans that are code, not prose: HTML tags, {0} / {{ jinja }} / %(name)s placeholders, paths and URLs
_KEEP = r"<[^<>]*>|\{[^{}]*\}|%\([^()]*\)|[^\s<>]*/[^\s<>]*"
_WORD = rf"(?<!\w)(?:{re.escape(PLURAL)}|{re.escape(SINGULAR)})(?!\w)"
_PATTERN = re.compile(rf"(?P<keep>{_KEEP})|(?P<word>{_WORD})", re.IGNORECASE)
# one or more words of letters or digits (any script), joined by single spaces or hyphens
_TERM = re.compile(r"[^\W_]+(?:[ -][^\W_]+)*")
_PART = re.compile(r"[^\W_]+")


def replace_terms(text: str, singular: str, plural: str) -> str:
	"""`text` with the whole words "customer" and "customers" (any case) replaced by `singular` and
	`plural` in the same case; placeholders, tags and paths are left as they are."""

	def substitute(match: re.Match) -> str:
		found = match["word"]
		if found is None:
			return match[0]
		word = plural if found.lower() == PLURAL.lower() else singular
		return in_case_of(found, word)

	return _PATTERN.sub(substitute, text)


def in_case_of(found: str, word: str) -> str:
	"""`word` in the case `found` was written in: CUSTOMER -> CLIENT, customer -> client, Customer ->
	Client. A word that is not plainly capitalised (VIP, eClient) keeps its letters in lower case."""
	if found.isupper():
		return word.upper()
	if found.islower():
		return _PART.sub(lambda m: m[0].lower() if m[0][1:].islower() or len(m[0]) == 1 else m[0], word)
	return word[:1].upper() + word[1:]


def normalize_term(value: str | None) -> str:
	"""The word as it will be shown: trimmed, inner spaces collapsed. ValueError when it is blank or
	not plain words (letters and digits joined by spaces or hyphens: no markup, quotes or braces)."""
	word = " ".join((value or "").split())
	if not word:
		raise ValueError("blank")
	if len(word) > MAX_LENGTH or not _TERM.fullmatch(word):
		raise ValueError("not plain words")
	return word


def validate_terms(settings) -> tuple[str, str]:
	"""Customer Lifecycle Settings.validate: normalise the words on the document and return them as
	(singular, plural); a bad one is refused with its field named. `apply_terms` calls it too, so no
	record is ever written for a refused word."""
	words = []
	for fieldname in TERM_FIELDS:
		label = frappe.bold(_(settings.meta.get_label(fieldname)))
		try:
			words.append(normalize_term(settings.get(fieldname)))
		except ValueError as error:
			if str(error) == "blank":
				message = _("{0} cannot be blank. To go back to the standard words use {1} and {2}.").format(
					label, SINGULAR, PLURAL
				)
			else:
				message = _(
					"{0}: {1} is not a plain word. Use letters, digits, spaces and hyphens only, up to {2} characters."
				).format(label, frappe.bold(escape_html(settings.get(fieldname))), MAX_LENGTH)
			frappe.throw(message, title=_("Invalid Word"))
		settings.set(fieldname, words[-1])
	return words[0], words[1]


def apply_terms(settings) -> None:
	"""Customer Lifecycle Settings.on_update: make the desk and portal use the chosen words."""
	singular, plural = validate_terms(settings)
	before = settings.get_doc_before_save()
	if before and (before.customer_term, before.customer_term_plural) == (singular, plural):
		return  # the words did not change; `refresh` picks up strings added since
	sync(singular, plural)


def refresh() -> dict:
	"""Write the records again for the saved words (after a migrate brings new strings or a user
	reads the site in a new language)."""
	settings = frappe.get_single(SETTINGS)
	return sync(settings.customer_term or SINGULAR, settings.customer_term_plural or PLURAL)


def remove_all() -> int:
	"""Delete the records the app wrote (before uninstall), edited ones included: every text reads
	"Customer" again once the app is gone."""
	names = frappe.get_all(TRANSLATION, filters={"name": ("like", PREFIX + "%")}, pluck="name")
	if names:
		frappe.db.delete(TRANSLATION, {"name": ("in", names)})
		clear_caches()
	return len(names)


def sync(singular: str, plural: str) -> dict:
	"""Make the app's Translation records say `singular` / `plural`; with the standard words there
	are none. Returns how many records were written, deleted (rewritten ones count in both) and left
	to an admin.

	A record whose text changes is deleted and written again under the same name, so the whole
	change is one DELETE and one multi-row INSERT, not a save per record: the records are the app's
	derived data (no Deleted Document copy is needed), their values were checked here (languages from
	the Language table, source text stripped of HTML as Translation.validate does), and the caches
	that Translation.on_update would drop are dropped once at the end."""
	ours = frappe.get_all(
		TRANSLATION,
		filters={"name": ("like", PREFIX + "%")},
		fields=["name", "language", "source_text", "context", "translated_text", "creation", "modified"],
	)
	if (singular, plural) == (SINGULAR, PLURAL) and not ours:
		return {"written": 0, "deleted": 0, "kept": 0}

	wanted = wanted_records(singular, plural)
	hand_written = admins_records({r["language"] for r in wanted.values()} | {r.language for r in ours})
	wanted = {name: values for name, values in wanted.items() if key_of(values) not in hand_written}
	kept, stale = 0, []
	for record in ours:
		target = wanted.get(record.name)
		if record.modified != record.creation:
			# an admin has edited it since the app wrote it: it is theirs now
			kept += 1
			wanted.pop(record.name, None)
		elif target and target["translated_text"] == record.translated_text:
			wanted.pop(record.name)
		else:
			stale.append(record.name)
	if stale:
		frappe.db.delete(TRANSLATION, {"name": ("in", stale)})
	if wanted:
		# creation == modified marks a record as the app's: an edit by anyone else moves `modified`
		now, user = frappe.utils.now(), frappe.session.user
		frappe.db.bulk_insert(
			TRANSLATION,
			["name", "creation", "modified", "owner", "modified_by", *RECORD_FIELDS],
			[(name, now, now, user, user, *(v[f] for f in RECORD_FIELDS)) for name, v in wanted.items()],
		)
	clear_caches()
	return {"written": len(wanted), "deleted": len(stale), "kept": kept}


def wanted_records(singular: str, plural: str) -> dict[str, dict]:
	"""{record name: Translation values} for every app string the words change, in every language."""
	records = {}
	texts = messages()
	for language in languages():
		for (source, context), text in texts.items():
			translated = replace_terms(text, singular, plural)
			if translated != text:
				records[record_name(language, source, context)] = {
					"language": language,
					"source_text": source,
					"context": context,
					"translated_text": translated,
				}
	return records


def messages() -> dict[tuple[str, str | None], str]:
	"""{(source text, context): text} for every string of the app a person reads. The source text is
	what `_()` looks up: HTML stripped, as Translation.validate stores it; the text keeps its markup."""
	frappe.flags.scanned_files = set()  # get_messages_from_file skips files it read earlier in the process
	found = [(m[1], m[2] if len(m) > 2 else None) for m in get_messages_for_app(APP, deduplicate=False)]
	found += [(text, None) for text in workspace_messages()]
	found += [(SINGULAR, None), (PLURAL, None)]
	skip = own_messages()
	texts = {}
	for text, context in found:
		if not isinstance(text, str) or not text.strip() or text in skip:
			continue
		source = strip_html_tags(text).strip() if is_html(text) else text
		texts.setdefault((source, context or None), text)
	return texts


def workspace_messages() -> list[str]:
	"""Labels of the app's workspaces as the desk shows them: title, sidebar, shortcuts, cards,
	links, quick lists and the text of header blocks (the workspace page translates each)."""
	modules = [frappe.unscrub(m) for m in frappe.local.app_modules.get(APP, [])]
	texts = []
	for name in frappe.get_all("Workspace", filters={"module": ("in", modules)}, pluck="name"):
		workspace = frappe.get_doc("Workspace", name)
		texts += [workspace.name, workspace.label, workspace.title]
		for table in ("shortcuts", "links", "quick_lists", "charts", "number_cards", "custom_blocks"):
			texts += [row.get("label") for row in workspace.get(table)]
		for block in json.loads(workspace.content or "[]"):
			if block.get("type") == "header":
				texts.append(strip_html_tags(block.get("data", {}).get("text") or "").strip())
	return [text for text in texts if text]


def own_messages() -> set[str]:
	"""Labels and descriptions of the terminology fields: they keep saying what the words replace."""
	meta = frappe.get_meta(SETTINGS)
	return {
		text
		for fieldname in OWN_FIELDS
		for text in (meta.get_field(fieldname).label, meta.get_field(fieldname).description)
		if text
	}


def languages() -> list[str]:
	"""The languages people read the site in: English and its regional variants (a visitor's browser
	may ask for en-GB, and Frappe reads records only of the exact language), the System Settings
	language, and each enabled user's language."""
	found = {"en", frappe.db.get_default("lang") or "en"}
	found.update(frappe.get_all("Language", filters={"enabled": 1, "name": ("like", "en-%")}, pluck="name"))
	found.update(
		frappe.get_all(
			"User", filters={"enabled": 1, "language": ("is", "set")}, pluck="language", distinct=True
		)
	)
	return sorted(found)


def admins_records(languages: set[str]) -> set[tuple[str, str, str | None]]:
	"""(language, source text, context) of the Translations an admin wrote in these languages."""
	records = frappe.get_all(
		TRANSLATION,
		filters={"name": ("not like", PREFIX + "%"), "language": ("in", list(languages) or [""])},
		fields=["language", "source_text", "context"],
	)
	return {key_of(record) for record in records}


def key_of(record) -> tuple[str, str, str | None]:
	return (record["language"], record["source_text"], record["context"] or None)


def record_name(language: str, source: str, context: str | None) -> str:
	digest = hashlib.sha1(f"{language}\0{source}\0{context or ''}".encode()).hexdigest()[:20]
	return f"{PREFIX}{language}-{digest}"


def clear_caches() -> None:
	"""Drop Frappe's merged and user translations, every user's cached boot (it carries the desk's
	messages) and cached website pages, so the next page load reads the new words. Done now, for
	the rest of this request, and again after the commit or rollback, so that no other process keeps
	a copy it read in between."""
	frappe.db.after_commit.add(drop_cached_translations)
	frappe.db.after_rollback.add(drop_cached_translations)
	drop_cached_translations()


def drop_cached_translations() -> None:
	from frappe.website.utils import clear_website_cache

	clear_cache()  # Translation.on_update drops one language's merged copy, not the cached boots
	clear_website_cache()


@frappe.whitelist(methods=["GET"])
def preview(singular: str, plural: str) -> dict:
	"""How a few of the desk's texts read with these words, or why the words are refused."""
	frappe.has_permission(SETTINGS, "read", throw=True)
	try:
		words = normalize_term(singular), normalize_term(plural)
	except ValueError:
		return {"error": _("Use plain words: letters, digits, spaces and hyphens.")}
	samples = (PLURAL, f"New {SINGULAR}", f"Add {SINGULAR}", "Customer Category", "Too Many Customers")
	return {"samples": [[text, replace_terms(text, *words)] for text in samples]}
