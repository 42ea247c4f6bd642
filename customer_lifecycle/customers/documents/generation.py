"""Generating a document: a Generated Document is rendered from its template when it is inserted, then
printed to PDF and filed in the customer's folder.

The printing is Frappe's own: `frappe.get_print` of the Generated Document with the print format
"Generated Document" (which shows the rendered body) and the template's Letter Head (the site's
default when the template names none), so Print Settings, the letter head's header and footer and
wkhtmltopdf's options apply as to any other print. The PDF is a private File attached to the
customer, so it lands in the customer's folder (customers/files.py) and counts among its files.
"""

import base64
import os
import re
import subprocess
from functools import cache, lru_cache

import frappe
from frappe import _
from frappe.utils import escape_html
from frappe.utils.pdf import get_pdf

from customer_lifecycle.customers.documents import context as document_context
from customer_lifecycle.customers.documents.rendering import TemplateProblem, check, render
from customer_lifecycle.utils.doctypes import CUSTOMER, DOCUMENT_TEMPLATE, ENGAGEMENT, GENERATED_DOCUMENT
from customer_lifecycle.utils.flags import temporary_flag

PRINT_FORMAT = "Generated Document"


class DocumentTemplateError(frappe.ValidationError):
	"""A template that cannot be rendered: the message names the template, the line and the error."""


def generate(customer: str, template: str, engagement: str | None = None):
	"""Generate a document of the template for the customer (about the engagement, when one is
	given): rendered, printed to PDF and filed. Returns the Generated Document."""
	return frappe.get_doc(
		{
			"doctype": GENERATED_DOCUMENT,
			"customer": customer,
			"document_template": template,
			"engagement": engagement or None,
		}
	).insert()


# --- the Generated Document's steps -----------------------------------------------------------


def check_engagement(doc) -> None:
	"""The engagement, when there is one, is the customer's."""
	if not doc.engagement:
		return
	owner = frappe.db.get_value(ENGAGEMENT, doc.engagement, "customer")
	if owner != doc.customer:
		frappe.throw(
			_("{0}: {1} is not an engagement of {2}.").format(
				frappe.bold(_("Engagement")),
				frappe.bold(escape_html(doc.engagement)),
				frappe.bold(doc.customer),
			),
			frappe.ValidationError,
		)


def template_of(doc):
	"""The document's template, if it may be used."""
	template = frappe.get_cached_doc(DOCUMENT_TEMPLATE, doc.document_template)
	if template.disabled:
		frappe.throw(
			_("{0}: {1} is disabled.").format(
				frappe.bold(_("Document Template")), frappe.bold(escape_html(template.name))
			),
			frappe.ValidationError,
		)
	return template


def render_body(doc) -> None:
	"""Fill in the document from its template: title, letter head and the rendered body."""
	template = template_of(doc)
	doc.title = template.template_name
	doc.letter_head = template.letter_head or None
	context = document_context.document_context(
		doc.customer, doc.engagement, {"name": doc.name, "title": doc.title}
	)
	try:
		doc.body = render(template.template, context)
	except TemplateProblem as problem:
		throw_template_problem(template.name, problem)


def throw_template_problem(template: str, problem: TemplateProblem) -> None:
	where = _("line {0}").format(problem.line) if problem.line else _("the template")
	frappe.throw(
		_("{0} {1}, {2}: {3}").format(
			_("Document Template"), frappe.bold(escape_html(template)), where, escape_html(problem.message)
		),
		DocumentTemplateError,
		title=_("Template Error"),
	)


# a stylesheet of the print view, as Frappe links it: /assets/... (made absolute by get_pdf)
STYLESHEET = re.compile(r'<link[^>]+href="(/assets/[^"?]+\.css)[^"]*"[^>]*>')


def inline_stylesheets(html: str) -> str:
	"""The print view with its stylesheets from the bench's assets written in: wkhtmltopdf would
	fetch them from the site's host_name, which a site not served yet (the demo, made before `bench
	start`; a restored copy) does not answer, and then it makes no PDF at all.

	Each is a `data:` URL, not a <style>: Frappe's get_pdf reads the print format's page options
	from every <style> of the page with cssutils, and parsing the desk's whole print stylesheets
	there took longer than making the PDF (and logged a warning per modern rule)."""

	def inline(match) -> str:
		path = os.path.join(frappe.local.sites_path, match.group(1).lstrip("/"))
		if not os.path.exists(path):
			return match.group(0)
		return f'<link rel="stylesheet" href="{stylesheet_data_url(path, os.path.getmtime(path))}">'

	return STYLESHEET.sub(inline, html)


@lru_cache(maxsize=16)
def stylesheet_data_url(path: str, mtime: float) -> str:
	"""The stylesheet at `path` as a data: URL (kept per process until the file changes)."""
	with open(path, "rb") as f:
		return "data:text/css;base64," + base64.b64encode(f.read()).decode()


def file_pdf(doc) -> None:
	"""Print the document to PDF (Frappe's print view and wkhtmltopdf) and file it in the customer's
	folder as a private attachment of the customer."""
	# Frappe's print view logs each print in the Access Log and commits at once (it is a GET page);
	# here printing is a step of saving the document, so the log is deferred (Frappe's way for
	# read-only requests: held in Redis, written by its scheduled job) and the transaction stays whole
	# the print format repeats the letter head on each page where wkhtmltopdf can; elsewhere it is
	# printed at the top of the first page (see pdf_repeats_header)
	doc.flags.letter_head_inline = not pdf_repeats_header()
	with temporary_flag("read_only", True):
		html = frappe.get_print(
			GENERATED_DOCUMENT,
			doc.name,
			PRINT_FORMAT,
			doc=doc,
			letterhead=doc.letter_head or None,
			no_letterhead=0,
		)
	pdf = get_pdf(inline_stylesheets(html))
	# Frappe's print view marks the document as printed, and a printed document is never saved
	doc.flags.in_print = False
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": file_name(doc),
			"content": pdf,
			"is_private": 1,
			"attached_to_doctype": CUSTOMER,
			"attached_to_name": doc.customer,
		}
	).insert(ignore_permissions=True)
	doc.db_set({"file": file.name, "file_url": file.file_url}, update_modified=False)


@cache
def pdf_repeats_header() -> bool:
	"""Whether this server's wkhtmltopdf prints a header on every page. Frappe moves a repeated
	letter head out of the page into `--header-html`, which only wkhtmltopdf built "with patched qt"
	reads; the others (Debian's, for one) leave it out of the PDF altogether."""
	try:
		version = subprocess.run(
			["wkhtmltopdf", "--version"], capture_output=True, text=True, timeout=10, check=False
		).stdout
	except (OSError, subprocess.SubprocessError):
		return False
	return "patched qt" in version.lower()


def file_name(doc) -> str:
	"""`<template>-<document id>.pdf`, in letters, digits and dashes: it names no one."""
	title = re.sub(r"[^A-Za-z0-9]+", "-", doc.title or "document").strip("-").lower() or "document"
	return f"{title}-{doc.name}.pdf"


def remove_file(doc) -> None:
	"""The document's PDF goes with it."""
	if doc.file and frappe.db.exists("File", doc.file):
		frappe.delete_doc("File", doc.file, ignore_permissions=True)


# --- the Document Template's check --------------------------------------------------------------


def check_template(template) -> None:
	"""Document Template.validate: the template must render against the samples (context.samples):
	a syntax error, a name or field that does not exist, or an error raised while rendering is
	refused with the line of the template it is on."""
	try:
		check(template.template or "", document_context.samples())
	except TemplateProblem as problem:
		where = _("line {0}").format(problem.line) if problem.line else ""
		frappe.throw(
			_("{0}, {1}: {2}").format(frappe.bold(_("Template")), where, escape_html(problem.message))
			if where
			else _("{0}: {1}").format(frappe.bold(_("Template")), escape_html(problem.message)),
			DocumentTemplateError,
			title=_("Template Error"),
		)
