"""Finding customers by what a person remembers: name, email, phone, ID number, or the company of a
contact linked to them."""

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
def customer_query(
	doctype: str, txt: str, searchfield: str, start: int, page_len: int, filters: dict | None = None
):
	"""Link-field search for Customer (hooks.py standard_queries). Archived customers are left out."""
	filters = dict(filters or {})
	filters.setdefault("archived", 0)
	or_filters = None
	if txt:
		or_filters = [[field, "like", pattern] for field, pattern in search_terms(txt).items()]
		by_company = customers_by_contact_company(txt)
		if by_company:
			or_filters.append(["name", "in", by_company])
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


# enough for any page of link results; a company shared by more customers is narrowed by typing more
COMPANY_MATCHES = 200


def customers_by_contact_company(txt: str, limit: int = COMPANY_MATCHES) -> list[str]:
	"""Customers with a Contact (linked through Dynamic Link) whose company name starts with txt.

	A prefix match, so an index on `tabContact`.company_name serves it; from each matching contact
	the join reads its Dynamic Link rows by `parent`, which child tables index. Permissions: this
	only narrows the customer query above, which get_list runs with the user's permissions."""
	txt = (txt or "").strip()
	if not txt:
		return []
	contact = frappe.qb.DocType("Contact")
	link = frappe.qb.DocType("Dynamic Link")
	return (
		frappe.qb.from_(contact)
		.join(link)
		.on((link.parent == contact.name) & (link.parenttype == "Contact"))
		.select(link.link_name)
		.distinct()
		.where(contact.company_name.like(f"{escape_like(txt)}%"))
		.where(link.link_doctype == "Customer")
		.limit(limit)
		.run(pluck=True)
	)


def ensure_contact_company_index() -> None:
	"""Index Contact.company_name, which customers_by_contact_company matches by prefix. Without it the
	company step reads every contact (the bulk benchmark prints the search's figures)."""
	frappe.db.add_index("Contact", ["company_name"], "company_name_index")


def escape_like(txt: str) -> str:
	"""txt with LIKE's wildcards taken literally."""
	return txt.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
