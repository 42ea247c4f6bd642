"""The context every portal page starts from: the user's customer (or a login redirect for a
guest), the sidebar, and the header with the customer's name, lifecycle and balance."""

from collections.abc import Callable
from functools import wraps
from urllib.parse import quote

import frappe
from frappe import _
from frappe.utils import fmt_money

from customer_lifecycle.portal import access, reads
from customer_lifecycle.utils.templates import keep_compiled


def build(context, title: str) -> str:
	"""Fill the page's common context; returns the customer the page is about."""
	if frappe.session.user == "Guest":
		frappe.local.flags.redirect_location = (
			f"/login?redirect-to={quote(frappe.request.path if frappe.request else '/portal')}"
		)
		raise frappe.Redirect(302)
	customer = access.customer_for(frappe.form_dict.get("customer"))
	keep_compiled()
	context.no_cache = 1
	context.show_sidebar = True
	context.title = _(title)
	context.update(reads.header(customer))
	context.money = lambda amount: fmt_money(amount or 0, currency=context.currency)
	# a person of several customers carries the chosen one from page to page
	context.customer_query = f"?customer={quote(customer)}" if len(context.choices) > 1 else ""
	context.customer_name = context.customer.customer_name
	return customer


def on_replica(get_context: Callable) -> Callable:
	"""A portal page's get_context, run on the site's read replica when it has one (Frappe's
	`read_from_replica`, through `frappe.read_only`): the pages only read; what the portal writes goes
	through POST methods (api/portal.py), on the primary. Frappe passes the context only to a
	get_context whose own signature names it, so the page gets a plain one around the wrapper."""
	read = frappe.read_only()(get_context)

	@wraps(get_context)
	def page(context):
		return read(context)

	return page
