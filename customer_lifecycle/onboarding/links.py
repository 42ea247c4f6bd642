"""The one-time link of an information request, for a contact without a portal login.

The link is the page /request with the request's id and the day the link runs out, signed with
Frappe's own signing (frappe.utils.verified_command.get_signed_params, as Frappe's workflow-action
links are). It opens that one request only, for N days (Customer Lifecycle Settings), and stops
working once the request is complete; a link with a changed id, day or signature is refused. The
answers and uploads made through it carry the link with them and are checked the same way first.

Frappe's verify_request checks the query string of a GET request with no body. The link's answers
and uploads are POSTs with a body, so `verify` makes that same check on the link they carry (its
parameters signed again and compared in constant time): one check for the page and the calls.
"""

import hmac
from urllib.parse import parse_qs

import frappe
from frappe import _
from frappe.utils import add_days, escape_html, formatdate, get_url, getdate, nowdate
from frappe.utils.verified_command import get_signed_params

from customer_lifecycle.lifecycle.engine import get_settings
from customer_lifecycle.onboarding import rules
from customer_lifecycle.utils.doctypes import REQUEST

PAGE = "/request"
SIGNATURE = "&_signature="
DEFAULT_DAYS = 14


class LinkRefusedError(frappe.PermissionError):
	"""A link that was changed, or whose request no longer takes answers (HTTP 403)."""


class LinkExpiredError(frappe.PermissionError):
	"""A link past the day it runs out (HTTP 410)."""

	http_status_code = 410


def expiry(days: int | None = None):
	"""The day a link made today runs out: so many days from today (the settings' when not given)."""
	return getdate(add_days(nowdate(), days or get_settings().request_link_days or DEFAULT_DAYS))


def query(request: str, expires) -> str:
	"""The link's signed query string."""
	return get_signed_params({"request": request, "expires": str(getdate(expires))})


def make(request: str, expires) -> str:
	"""The full URL of a request's link that runs out after `expires`."""
	return get_url(f"{PAGE}?{query(request, expires)}")


def verify(link: str | None) -> str:
	"""The request a link opens (`link`: its query string, as the page got it). Refuses a link whose
	signature does not match what it says (a changed id or day), one past its day, and one whose
	request is complete or was never sent; each refusal names what is wrong."""
	link = (link or "").lstrip("?")
	params, marker, _signature = link.partition(SIGNATURE)
	if not marker or not hmac.compare_digest(get_signed_params(params), link):
		frappe.throw(
			_(
				"{0}: this link has been changed or cut short, so it cannot be used. Open the link from your email as it is."
			).format(frappe.bold(_("Signature"))),
			LinkRefusedError,
		)
	values = {key: value[0] for key, value in parse_qs(params).items()}
	request, expires = values.get("request"), getdate(values.get("expires"))
	if expires < getdate(nowdate()):
		frappe.throw(
			_("{0}: this link ran out on {1}. Ask us for a new one.").format(
				frappe.bold(_("Expires")), formatdate(expires)
			),
			LinkExpiredError,
		)
	status = frappe.db.get_value(REQUEST, request, "status")
	if status not in rules.OPEN_STATUSES:
		reason = (
			_("{0}: {1} is complete: thank you, there is nothing left to provide.")
			if status == rules.COMPLETE
			else _("{0}: {1} is no longer open.")
		)
		frappe.throw(
			reason.format(frappe.bold(_("Request")), frappe.bold(escape_html(request))), LinkRefusedError
		)
	return request
