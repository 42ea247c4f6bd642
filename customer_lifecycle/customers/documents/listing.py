"""A customer's generated documents as its form's Generated Docs tab lists them: a page at a time
(utils/paging.py), newest first, with the count of all. Read with frappe.get_list: the user's
permissions apply."""

import frappe
from frappe.utils import get_fullname

from customer_lifecycle.utils import paging
from customer_lifecycle.utils.doctypes import ENGAGEMENT, GENERATED_DOCUMENT

PAGE_LENGTH = paging.PAGE_LENGTH
FIELDS = [
	"name",
	"title",
	"document_template",
	"engagement",
	"creation",
	"owner",
	"file_url",
	"shared_on_portal",
	"shared_on",
	"last_emailed_on",
]


def page(customer: str, start: int = 0, page_length: int = PAGE_LENGTH) -> dict:
	"""{rows, total, start, page_length} of the customer's generated documents."""
	result = paging.page(
		GENERATED_DOCUMENT, {"customer": customer}, FIELDS, "creation desc, name desc", start, page_length
	)
	describe(result["rows"])
	return result


def describe(rows: list) -> list:
	"""Each row with its engagement's title and who generated it, by name."""
	engagements = {row.engagement for row in rows if row.engagement}
	titles = (
		dict(
			frappe.get_all(
				ENGAGEMENT,
				filters={"name": ("in", list(engagements))},
				fields=["name", "title"],
				as_list=True,
			)
		)
		if engagements
		else {}
	)
	for row in rows:
		row.engagement_title = titles.get(row.engagement)
		row.generated_by = get_fullname(row.owner)
	return rows


def row(doc) -> dict:
	"""One document as the tab lists it."""
	out = frappe._dict({field: doc.get(field) for field in FIELDS})
	return describe([out])[0]
