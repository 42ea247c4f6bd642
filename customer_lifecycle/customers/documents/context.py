"""What a Document Template can use, read from the database: the context of one customer's document,
and the samples a template is checked against when it is saved.

The context (each record a `rendering.Record`, its fields by their field names):

- `customer`: every field of the Customer, custom ones included;
- `contact`: its primary Contact (`full_name`, `email_id`, `phone`, `mobile_no` ...), empty when it has
  none;
- `address`: its billing Address (`address_line1` ... `country`), with `lines` (the lines that are
  filled in) and `display` (those lines, one per line); empty when it has none;
- `engagement`: the engagement the document is for, empty when it is for none;
- `open_invoices`: the customer's submitted invoices that still owe money, oldest due first, each
  with `days_overdue`; `recent_payments`: its last payments, newest first;
- `firm`: the firm's details from Customer Lifecycle Settings (`name`, `address`, `address_lines`,
  `email`, `phone`, `website`, `registration_number`);
- `document`: the generated document (`name`, `title`); `today`: today's date;
- `money(amount)` in the customer's currency, `format_date(date)` in the site's date format, and
  `_()` to translate.
"""

from collections.abc import Iterable

import frappe
from frappe import _
from frappe.model import no_value_fields, table_fields
from frappe.utils import date_diff, flt, fmt_money, formatdate, getdate, nowdate
from markupsafe import Markup, escape

from customer_lifecycle.customers.documents.rendering import Record
from customer_lifecycle.utils.doctypes import CUSTOMER, ENGAGEMENT, INVOICE, PAYMENT, SETTINGS

# how many of the customer's open invoices and recent payments a document can list
OPEN_INVOICES_LIMIT = 500
RECENT_PAYMENTS_LIMIT = 10
ADDRESS_LINE_FIELDS = ("address_line1", "address_line2", "city", "county", "state", "pincode", "country")
# field types whose values are HTML already (sanitized when their record was saved)
HTML_TYPES = frozenset({"Text Editor", "HTML Editor"})
NUMBER_TYPES = frozenset({"Currency", "Float", "Int", "Long Int", "Percent", "Check", "Rating", "Duration"})
SKIPPED_TYPES = frozenset(
	{*no_value_fields, *table_fields, "Password", "Attach", "Attach Image", "Signature"}
)
INVOICE_FIELDS = ["name", "posting_date", "due_date", "status", "total", "outstanding_amount", "engagement"]
PAYMENT_FIELDS = ["name", "posting_date", "amount", "method", "reference"]
FIRM_FIELDS = {
	"name": "firm_name",
	"address": "firm_address",
	"email": "firm_email",
	"phone": "firm_phone",
	"website": "firm_website",
	"registration_number": "firm_registration_number",
}


def document_context(customer: str, engagement: str | None = None, document: dict | None = None) -> dict:
	"""The context of a document for the customer (and the engagement, when one is given)."""
	doc = frappe.get_doc(CUSTOMER, customer)
	return build(
		customer=record_of("customer", doc),
		contact=linked_record("contact", "Contact", doc.primary_contact),
		address=address_record(linked_record("address", "Address", doc.billing_address)),
		engagement=linked_record("engagement", ENGAGEMENT, engagement),
		open_invoices=open_invoices(customer),
		recent_payments=recent_payments(customer),
		document=document,
	)


def build(customer: Record, contact: Record, address: Record, engagement: Record, **rest) -> dict:
	currency = customer.get("currency") or None
	return {
		"customer": customer,
		"contact": contact,
		"address": address,
		"engagement": engagement,
		"open_invoices": rest.get("open_invoices") or [],
		"recent_payments": rest.get("recent_payments") or [],
		"firm": firm(),
		"document": Record("document", rest.get("document") or {}),
		"today": getdate(nowdate()),
		"money": lambda amount, currency=currency: fmt_money(flt(amount), currency=currency),
		"format_date": lambda value: formatdate(value) if value else "",
		"_": _,
	}


def clean(df, value):
	"""A field's value as a template reads it: HTML as markup, empty numbers 0, empty text ""."""
	if df.fieldtype in HTML_TYPES:
		return Markup(value or "")
	if value is None:
		return 0 if df.fieldtype in NUMBER_TYPES else ""
	return value


def fields_of(meta) -> Iterable:
	return (df for df in meta.fields if df.fieldtype not in SKIPPED_TYPES)


def record_of(label: str, doc) -> Record:
	fields = {"name": doc.name}
	for df in fields_of(doc.meta):
		fields[df.fieldname] = clean(df, doc.get(df.fieldname))
	return Record(label, fields)


def linked_record(label: str, doctype: str, name: str | None) -> Record:
	"""The record, or an empty one when there is none (or it is gone)."""
	if not name or not frappe.db.exists(doctype, name):
		return Record(label)
	return record_of(label, frappe.get_doc(doctype, name))


def address_record(address: Record) -> Record:
	"""An address with its filled-in lines, and those lines as one block (escaped, one per line)."""
	if address:
		lines = [str(address.get(field)) for field in ADDRESS_LINE_FIELDS if address.get(field)]
		address.update(lines=lines, display=Markup("<br>").join(escape(line) for line in lines))
	return address


def open_invoices(customer: str) -> list[Record]:
	today = nowdate()
	rows = frappe.get_all(
		INVOICE,
		filters={"customer": customer, "docstatus": 1, "outstanding_amount": (">", 0)},
		fields=INVOICE_FIELDS,
		order_by="due_date asc, name asc",
		limit=OPEN_INVOICES_LIMIT,
	)
	meta = frappe.get_meta(INVOICE)
	out = []
	for row in rows:
		invoice = Record(
			"invoice", {f: clean(meta.get_field(f) or frappe._dict(fieldtype="Data"), row[f]) for f in row}
		)
		invoice["days_overdue"] = max(0, date_diff(today, row.due_date)) if row.due_date else 0
		out.append(invoice)
	return out


def recent_payments(customer: str) -> list[Record]:
	rows = frappe.get_all(
		PAYMENT,
		filters={"customer": customer, "docstatus": 1},
		fields=PAYMENT_FIELDS,
		order_by="posting_date desc, name desc",
		limit=RECENT_PAYMENTS_LIMIT,
	)
	meta = frappe.get_meta(PAYMENT)
	return [
		Record(
			"payment", {f: clean(meta.get_field(f) or frappe._dict(fieldtype="Data"), row[f]) for f in row}
		)
		for row in rows
	]


def firm() -> Record:
	"""The firm's details (Customer Lifecycle Settings); its name falls back to the site's."""
	settings = frappe.db.get_singles_dict(SETTINGS)
	values = {key: settings.get(field) or "" for key, field in FIRM_FIELDS.items()}
	values["name"] = values["name"] or frappe.get_system_settings("app_name") or ""
	values["address_lines"] = [line.strip() for line in str(values["address"]).splitlines() if line.strip()]
	return Record("firm", values)


# --- the samples a template is checked against -------------------------------------------------


def sample_value(df, label: str):
	"""A value for a field of a sample record: every field has one, so a strict render finds only
	names and fields that do not exist."""
	if df.fieldtype in NUMBER_TYPES:
		return 1 if df.fieldtype == "Check" else 100
	if df.fieldtype in ("Date", "Datetime"):
		return getdate(nowdate())
	if df.fieldtype == "Time":
		return "09:00:00"
	if df.fieldtype in HTML_TYPES:
		return Markup(f"<p>{escape(df.label or df.fieldname)}</p>")
	if df.fieldtype == "Select" and df.options:
		return df.options.split("\n")[0] or df.options.split("\n")[-1]
	return f"{_(label).title()} {_(df.label or df.fieldname)}"


def sample_record(label: str, doctype: str, **fields) -> Record:
	values = {"name": f"{label.upper()}-0001"}
	for df in fields_of(frappe.get_meta(doctype)):
		values[df.fieldname] = sample_value(df, label)
	values.update(fields)
	return Record(label, values)


def full_sample() -> dict:
	"""Every record there, every field filled: a strict render of it refuses misspelt names."""
	invoice = sample_record("invoice", INVOICE, days_overdue=10)
	return build(
		customer=sample_record("customer", CUSTOMER, currency=frappe.db.get_default("currency") or ""),
		contact=sample_record("contact", "Contact"),
		address=address_record(sample_record("address", "Address")),
		engagement=sample_record("engagement", ENGAGEMENT),
		open_invoices=[invoice, invoice],
		recent_payments=[sample_record("payment", PAYMENT)],
		document={"name": "GDOC-0001", "title": _("Sample")},
	)


def bare_sample() -> dict:
	"""A customer with nothing but its name: no contact, no address, no engagement, no invoices,
	empty fields and zero figures. Rendered leniently, as a real customer's document is."""
	customer = {"name": "CUST-0001"}
	for df in fields_of(frappe.get_meta(CUSTOMER)):
		customer[df.fieldname] = clean(df, None)
	customer["customer_name"] = _("Sample Customer")
	return build(
		customer=Record("customer", customer),
		contact=Record("contact"),
		address=Record("address"),
		engagement=Record("engagement"),
		document={"name": "GDOC-0001", "title": _("Sample")},
	)


def samples() -> list[tuple[dict, bool]]:
	"""(context, strict) pairs: the full sample strictly, the bare one and the most recently changed
	customer (with its latest engagement) as documents are rendered."""
	out = [(full_sample(), True), (bare_sample(), False)]
	recent = frappe.get_all(CUSTOMER, fields=["name"], order_by="modified desc", limit=1)
	if recent:
		customer = recent[0].name
		engagement = frappe.db.get_value(ENGAGEMENT, {"customer": customer}, "name", order_by="creation desc")
		out.append(
			(document_context(customer, engagement, {"name": "GDOC-0001", "title": _("Sample")}), False)
		)
	return out
