"""Merging a duplicate customer into the one that stays (the survivor).

Frappe's rename-with-merge (`frappe.rename_doc(..., merge=True)`) moves every reference to the
merged customer onto the survivor — Link fields (Customer Lifecycle Change rows and whatever later
modules link to Customer), Dynamic Links (Contact and Address `links`, Comments, ToDos, tags),
File attachments and Versions — then deletes the merged customer. Around it this module checks
who may merge, keeps the survivor's own lifecycle and primaries, removes a Contact's or Address's
second link to the survivor, gives the survivor the money figures of both customers' invoices and
payments, and records the merge on the survivor.
"""

import frappe
from frappe import _
from frappe.utils import escape_html, format_datetime, now_datetime

from customer_lifecycle.billing import figures
from customer_lifecycle.customers import contacts, flags
from customer_lifecycle.customers.duplicates import is_manager
from customer_lifecycle.lifecycle.engine import get_settings
from customer_lifecycle.utils.deadlocks import retry_deadlocks
from customer_lifecycle.utils.doctypes import CUSTOMER, STATE_FIELD

# the survivor takes these from the merged customer only where it has none
FILL_EMPTY = ("primary_contact", "billing_address", "email", "phone", "id_number")


@frappe.whitelist(methods=["POST"])
@retry_deadlocks
def merge(customer: str, into: str) -> dict:
	"""Merge `customer` into `into`: everything linked to `customer` moves to `into`, which keeps
	its lifecycle; `customer` is deleted. For Customer Managers and System Managers with delete
	permission on `customer` and write permission on `into`."""
	check_merge(customer, into)
	# when the request has only read so far, a new transaction reads nothing before merge_customers
	# has locked both customers, so the survivor's figures count every payment and invoice committed
	# before the locks (a read view opened earlier, at REPEATABLE READ, would miss those committed
	# while the merge waited for the locks: the soak found the survivor's figures short of one)
	if not frappe.db.transaction_writes:
		frappe.db.rollback()
	return merge_customers(customer, into)


def check_merge(customer: str, into: str) -> None:
	for fieldname, name in (("customer", customer), ("into", into)):
		if not name or not frappe.db.exists(CUSTOMER, name):
			frappe.throw(
				_("{0}: {1} {2} does not exist.").format(
					fieldname, _(CUSTOMER), frappe.bold(escape_html(name or ""))
				),
				frappe.DoesNotExistError,
				title=_("Merge"),
			)
	if customer == into:
		frappe.throw(_("A customer cannot be merged into itself."), frappe.ValidationError, title=_("Merge"))
	if not is_manager():
		frappe.throw(
			_("Only a Customer Manager may merge customers."), frappe.PermissionError, title=_("Merge")
		)
	frappe.has_permission(CUSTOMER, "delete", customer, throw=True)
	frappe.has_permission(CUSTOMER, "write", into, throw=True)
	anonymized = get_settings().anonymized_state
	for name in (customer, into):
		if anonymized and frappe.db.get_value(CUSTOMER, name, STATE_FIELD) == anonymized:
			frappe.throw(
				_("{0} is {1}: it cannot be merged.").format(frappe.bold(name), frappe.bold(_(anonymized))),
				frappe.ValidationError,
				title=_("Merge"),
			)


def merge_customers(customer: str, into: str) -> dict:
	"""The merge itself, once check_merge has passed. Both customers' rows are locked first, in
	name order: every money change, save and lifecycle move of a customer takes its row's lock
	before anything else (billing/retainers.py lock_customer), so those of either customer wait
	for the merge, and the merge for them, instead of each holding what the other needs (and Frappe's
	delete of the merged customer, which will not wait for its row, finds it free)."""
	for name in sorted((customer, into)):
		frappe.db.get_value(CUSTOMER, name, "name", for_update=True)
	merged = frappe.db.get_value(
		CUSTOMER, customer, ["customer_name", STATE_FIELD, *FILL_EMPTY], as_dict=True
	)
	survivor = frappe.db.get_value(CUSTOMER, into, list(FILL_EMPTY), as_dict=True)
	# Frappe caches which doctypes hold dynamic links to which, per process; rebuild it from the
	# tables now so that links made since then (a first ToDo on a customer) are moved too
	frappe.local.dynamic_link_map = None
	frappe.rename_doc(
		CUSTOMER, customer, into, merge=True, force=True, show_alert=False, rebuild_search=False
	)
	remove_repeated_links(into)
	fill = {f: merged[f] for f in FILL_EMPTY if merged.get(f) and not survivor.get(f)}
	if fill:
		frappe.db.set_value(CUSTOMER, into, fill)
	# both customers' records may carry their doctype's primary flag: the survivor's choice keeps it
	contacts.refresh_customer(into)
	# the merged customer's flags are the survivor's now
	flags.refresh_customer(into)
	# and so are its invoices and payments: the survivor's money figures are both customers'
	figures.refresh(into)
	frappe.get_doc(CUSTOMER, into).add_comment(
		"Info",
		_("{0} merged {1} ({2}, {3}) into this customer on {4}.").format(
			escape_html(frappe.session.user),
			frappe.bold(customer),
			escape_html(merged.customer_name),
			escape_html(_(merged.get(STATE_FIELD) or "")),
			format_datetime(now_datetime()),
		),
	)
	return {"name": into, "merged": customer}


def remove_repeated_links(customer: str) -> None:
	"""A Contact or Address linked to both customers now has two links to the survivor: keep one."""
	link = frappe.qb.DocType("Dynamic Link")
	rows = (
		frappe.qb.from_(link)
		.select(link.name, link.parenttype, link.parent, link.parentfield)
		.where((link.link_doctype == CUSTOMER) & (link.link_name == customer))
		.orderby(link.idx)
		.run(as_dict=True)
	)
	seen, repeated = set(), []
	for row in rows:
		key = (row.parenttype, row.parent, row.parentfield)
		if key in seen:
			repeated.append(row.name)
		seen.add(key)
	if repeated:
		frappe.qb.from_(link).delete().where(link.name.isin(repeated)).run()
