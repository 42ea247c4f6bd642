"""Information requests over HTTP: the customer form's Requests tab and sending, for staff; answers
and uploads through a request's one-time link, for whoever holds the link (guests included).

The link's calls check the link's signature before anything else (onboarding/links.py): a changed
id, day or signature is refused (403), so is an expired link (410), an item not on the link's
request and a request that is complete. The portal answers requests through api/portal.py, with the
same item functions (onboarding/items.py).
"""

import frappe

from customer_lifecycle.onboarding import requests
from customer_lifecycle.utils import paging
from customer_lifecycle.utils.doctypes import REQUEST
from customer_lifecycle.utils.uploads import uploaded_file


@frappe.whitelist(methods=["GET"])
def customer_requests(customer: str, start: int = 0, page_length: int = paging.PAGE_LENGTH) -> dict:
	"""A page of the customer's requests, newest first, with the count of all:
	{rows, total, start, page_length}."""
	return paging.customer_tab(customer, lambda: requests.page(customer, start, page_length))


@frappe.whitelist(methods=["POST"])
def send(request: str) -> dict:
	"""Send a request to its contact, or send it again; returns its name and status."""
	frappe.has_permission(REQUEST, "write", request, throw=True)
	doc = requests.send(request)
	return {"name": doc.name, "status": doc.status, "sent_on": doc.sent_on}


@frappe.whitelist(methods=["POST"], allow_guest=True)
def answer_by_link(link: str, item: str, answer: str | None = None) -> dict:
	"""Answer a question of the request a one-time link opens (`link`: the link's query string);
	an empty answer takes it back. Returns the request as its page shows it."""
	request = requests.check_link(link, item)
	return requests.answer_linked(request, item, answer)


@frappe.whitelist(methods=["POST"], allow_guest=True)
def upload_by_link(link: str, item: str) -> dict:
	"""Upload a document for the request a one-time link opens (multipart form, the file in `file`).
	Returns the request as its page shows it."""
	request = requests.check_link(link, item)
	return requests.attach_linked(request, item, *uploaded_file())
