"""Finding customers by what a person remembers: name, email, phone or ID number."""

import frappe

from customer_lifecycle.customers.doctype.customer.customer import site_country_code
from customer_lifecycle.utils.normalize import normalize_phone


def search_terms(txt: str) -> dict[str, str]:
	"""The LIKE pattern to use for each searchable field."""
	txt = (txt or "").strip()
	like = f"%{txt}%"
	terms = {"name": like, "customer_name": like, "email": f"{txt.lower()}%", "id_number": f"{txt}%"}
	try:
		phone = normalize_phone(txt, site_country_code())
	except ValueError:
		phone = None
	digits = "".join(ch for ch in txt if ch.isdigit())
	if phone:
		terms["phone"] = phone
	elif len(digits) >= 4:
		terms["phone"] = f"%{digits}%"
	return terms


@frappe.whitelist()
@frappe.validate_and_sanitize_search_inputs
def customer_query(doctype: str, txt: str, searchfield: str, start: int, page_len: int, filters: dict | None = None):
	"""Link-field search for Customer (hooks.py standard_queries). Archived customers are left out."""
	filters = dict(filters or {})
	filters.setdefault("archived", 0)
	or_filters = [[field, "like", pattern] for field, pattern in search_terms(txt).items()] if txt else None
	return frappe.get_list(
		"Customer",
		filters=filters,
		or_filters=or_filters,
		fields=["name", "customer_name", "lifecycle_status", "email", "phone"],
		order_by="customer_name asc",
		limit_start=start,
		limit_page_length=page_len,
		as_list=True,
	)
