"""The page of a list a form's tab asks for."""

from frappe.utils import cint

PAGE_LENGTH = 20
LONGEST_PAGE = 100


def bounds(start, page_length, default: int = PAGE_LENGTH) -> tuple[int, int]:
	"""(start, page length) as asked, within reason: from 0, at most LONGEST_PAGE rows."""
	return max(0, cint(start)), min(LONGEST_PAGE, max(1, cint(page_length) or default))
