"""The page a request's one-time link opens, for a contact without a portal login: that one request,
to answer and upload for. The link is checked before anything is read (onboarding/links.py); a
refused link shows why, with HTTP 403 ("Not Permitted")."""

import frappe

from customer_lifecycle.onboarding import links, requests

no_cache = 1
sitemap = 0


def get_context(context):
	link = frappe.safe_decode(frappe.request.query_string) if frappe.request else ""
	info = requests.page_data(links.verify(link))
	context.no_cache = 1
	context.title = info["title"]
	context.info = info
	context.link = link
