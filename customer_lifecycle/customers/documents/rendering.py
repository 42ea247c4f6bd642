"""Rendering a Document Template: Jinja, in a sandbox, with HTML escaping on. No database: the caller
gives the context (context.py) and gets HTML, or a `TemplateProblem` that says on which line of the
template what went wrong.

- The sandbox is Jinja's immutable one, with nothing in it but the context: no `frappe` namespace
  (Frappe's own Jinja globals can write to the database and send email), no unsafe attributes, no
  changing the context's lists and records.
- Values are escaped (autoescape): a customer's name holding `<img src=...>` prints as text, never
  as markup the PDF renderer would load. What is HTML already (an engagement's description, written
  in a text editor and sanitized on save) comes in as `Markup`.
- `None` prints as nothing.
- Two ways to render: *lenient*, for generating, where anything missing (no primary contact, no
  billing address, no engagement, an empty field) prints as nothing and reading further into it
  stays empty; *strict*, for checking a template at save against a sample where every record and
  field exists, so that a misspelt name or field is refused with its line.
"""

import traceback
from functools import lru_cache

from jinja2 import ChainableUndefined, StrictUndefined, TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment

# the name Jinja gives a template made from a string: its frames in a traceback carry it
TEMPLATE_FILENAME = "<template>"


class Record(dict):
	"""One record of the context (the customer, its contact ...): its fields by name. Jinja reads
	`record.field` from the fields only, never a dict method, so a field may be called `items` or
	`get`. `label` names the record in messages ("contact has no field 'phnoe'"). A record the customer
	does not have is an empty Record: false in `{% if %}`, and everything read from it is empty."""

	def __init__(self, label: str, fields: dict | None = None):
		super().__init__(fields or {})
		self.label = label


class TemplateProblem(Exception):
	"""A template that cannot be compiled or rendered: the line of the template (None when Jinja
	does not know it) and what is wrong."""

	def __init__(self, line: int | None, message: str):
		super().__init__(f"line {line}: {message}" if line else message)
		self.line = line
		self.message = message


class MissingInSample(StrictUndefined):
	"""Strict: reading a name or field the sample does not have is an error that names it."""

	@property
	def _undefined_message(self) -> str:
		obj, name = self._undefined_obj, self._undefined_name
		if isinstance(obj, Record) and isinstance(name, str):
			return f"{obj.label} has no field {name!r}"
		return super()._undefined_message


class Missing(ChainableUndefined):
	"""Lenient: what is missing prints as nothing, and so does anything read from it."""


class DocumentEnvironment(ImmutableSandboxedEnvironment):
	"""The sandbox, reading a Record's fields by attribute or by key, and nothing else of it."""

	def getattr(self, obj, attribute):
		if isinstance(obj, Record):
			return obj[attribute] if attribute in obj else self.undefined(obj=obj, name=attribute)
		return super().getattr(obj, attribute)

	def getitem(self, obj, argument):
		if isinstance(obj, Record):
			return obj[argument] if argument in obj else self.undefined(obj=obj, name=argument)
		return super().getitem(obj, argument)


def _nothing_for_none(value):
	return "" if value is None else value


@lru_cache(maxsize=2)
def environment(strict: bool) -> DocumentEnvironment:
	return DocumentEnvironment(
		autoescape=True,
		undefined=MissingInSample if strict else Missing,
		finalize=_nothing_for_none,
		keep_trailing_newline=True,
	)


@lru_cache(maxsize=128)
def compile_template(source: str, strict: bool = False):
	"""The compiled template (cached by its text); TemplateProblem for a syntax error."""
	try:
		return environment(strict).from_string(source)
	except TemplateSyntaxError as e:
		raise TemplateProblem(e.lineno, e.message or str(e)) from None


def render(source: str, context: dict, strict: bool = False) -> str:
	"""The template rendered with the context: HTML. TemplateProblem when it cannot be."""
	template = compile_template(source, strict)
	try:
		return template.render(context)
	except TemplateProblem:
		raise
	except Exception as e:
		raise TemplateProblem(error_line(e), describe(e)) from None


def error_line(error: BaseException) -> int | None:
	"""The template's line the error was raised on: Jinja puts the template's frames, with their
	line numbers, into the traceback."""
	lines = [
		frame.lineno
		for frame in traceback.extract_tb(error.__traceback__)
		if frame.filename == TEMPLATE_FILENAME
	]
	return lines[-1] if lines else None


def describe(error: BaseException) -> str:
	message = str(error).strip()
	name = type(error).__name__
	# Jinja's own errors say what is wrong; others (a division by zero ...) are named too
	if name in ("UndefinedError", "SecurityError", "TemplateRuntimeError") or not message:
		return message or name
	return f"{name}: {message}"


def check(source: str, samples: list[tuple[dict, bool]]) -> None:
	"""Render the template with each (context, strict) sample; the first problem found is raised."""
	compile_template(source, False)
	for context, strict in samples:
		render(source, context, strict=strict)
