"""Every portal page's parameters, tried with every payload over HTTP, and with another customer's
names.

The pages come from the app's www folder and their parameters from their source (what they read of
`frappe.form_dict`; every page built on portal.context reads `customer`; a page that reads the whole
query string, the one-time link's, gets the payload as the query string and in each of its
parameters), so a new page or parameter is covered without a line here. The caller is a portal
user of a customer of their own; the bystander (conftest.py) is the other customer.
"""

import re
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.integration.api_cases import package_dir
from tests.integration.hostile.attack import SCRIPT_MARK, Answer, attack, logged_in, send

FORM_DICT = re.compile(r"form_dict(?:\.get\(|\[)\s*[\"'](\w+)[\"']")
# what every page built on the portal's context reads (portal/context.py)
CONTEXT = "portal.build("
QUERY_STRING = "request.query_string"


def www() -> Path:
	return package_dir() / "www"


def context_parameters() -> list[str]:
	return FORM_DICT.findall((package_dir() / "portal" / "context.py").read_text(encoding="utf-8"))


def pages() -> dict[str, list[str]]:
	"""Every page of the app's www folder: {route: the parameters it reads}."""
	found = {}
	for path in sorted(www().rglob("*.py")):
		source = path.read_text(encoding="utf-8")
		if "def get_context" not in source:
			continue
		route = "/" + str(path.relative_to(www()).with_suffix("")).removesuffix("index").rstrip("/")
		params = FORM_DICT.findall(source)
		if CONTEXT in source:
			params = [*context_parameters(), *params]
		if QUERY_STRING in source:
			params = ["?", *params]
		found[route] = list(dict.fromkeys(params))
	return found


def test_the_pages_are_found():
	"""The discovery sees the portal's pages and what they read (a broken pattern would try none)."""
	found = pages()
	assert found["/portal/invoice"] == ["customer", "name"], found
	assert "?" in found["/request"], found
	assert all("customer" in params for route, params in found.items() if route.startswith("/portal")), found


@pytest.fixture(scope="module")
def visitor(base_url):
	"""A portal user of a customer of their own (not the bystander), logged in."""
	import frappe

	from tests.factories import make_portal_customer

	frappe.set_user("Administrator")
	customer = make_portal_customer("visitor")
	frappe.db.commit()
	customer.session = logged_in(base_url, customer.user)
	return customer


def not_reflected(answer: Answer, payload) -> str | None:
	"""A page that shows the script payload as markup (it would run)."""
	if payload.kind == "script" and SCRIPT_MARK in answer.text:
		return "the page shows the script payload as markup"
	return None


@pytest.mark.parametrize("route", sorted(pages()))
def test_every_page_parameter_takes_hostile_text(base_url, hostile, visitor, route):
	url = f"{base_url}{route}"
	# the parameters as they should be: the visitor's own customer and invoice
	valid = {
		key: value
		for key, value in (("customer", visitor.name), ("name", visitor.invoice))
		if key in pages()[route]
	}
	findings = []
	for param in pages()[route]:
		if param == "?":

			def send_with(text):
				return send(visitor.session, "GET", f"{url}?{quote(text)}", {})

		else:

			def send_with(text, param=param):
				return send(visitor.session, "GET", url, {**valid, param: text})

		findings += attack(
			f"{route}?{param}",
			{param, "link", "signature", "expires", "request"} if route == "/request" else {param},
			send_with,
			hostile,
			check=not_reflected,
			independent=True,
		)
	assert not findings, "\n".join(findings)


@pytest.mark.parametrize("route", sorted(route for route, params in pages().items() if "customer" in params))
def test_another_customers_name_shows_nothing_of_theirs(base_url, visitor, bystander, route):
	"""The bystander's customer named in a page's parameters: refused, or the visitor's own page, never
	the bystander's records."""
	params = {"customer": bystander.name}
	if "name" in pages()[route]:
		params["name"] = bystander.invoice
	r = visitor.session.get(f"{base_url}{route}", params=params, timeout=30)
	assert r.status_code in (200, 403, 404), f"{r.status_code}: {r.text[:300]}"
	for theirs in (bystander.customer_name, bystander.invoice, bystander.name):
		assert theirs not in r.text, f"{route} shows the bystander's {theirs}"
