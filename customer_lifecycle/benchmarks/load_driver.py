"""The load of the `load` benchmark suite, driven by Locust (headless, as a library).

Run by benchmarks/load.py as `python -m customer_lifecycle.benchmarks.load_driver PLAN OUT`, in a
process of its own: Locust patches the standard library with gevent on import, which a process
connected to the site must not have. It imports no Frappe.

PLAN (JSON) names the host, the site, the portal users (login, password, their customer's id and
name, their invoices) and the other load customers' ids, names and invoices, the staff users, and the
mode:

- "mixed": each portal user browses every portal page and downloads its invoices' PDFs, each staff
  user pages the customer list, opens forms and records payments, waiting 1-3 s between pages;
- "portal": portal users fetch portal pages (no PDFs) without waiting;
- "frappe page": the same users fetch Frappe's own web page /me (My Account) without waiting;
- "ping": the same users fetch Frappe's /api/method/ping without waiting.

Every portal answer is checked: a 200, the caller's customer on it (in the PDF's text for a PDF),
and no other load customer's id, name or invoice. OUT (JSON) gets the duration of every answer by
group and by page, the measured window, the errors and the cross-customer reads, with samples.
"""

from gevent import monkey

monkey.patch_all()

import io  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from itertools import count  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

import gevent  # noqa: E402
from locust import FastHttpUser, between, constant, task  # noqa: E402
from locust.env import Environment  # noqa: E402

from customer_lifecycle.portal.pages import PORTAL_PAGES  # noqa: E402

PDF = "/api/method/frappe.utils.print_format.download_pdf"
CROSS = "cross-customer read"
LIST_FIELDS = [
	f"`tabCustomer`.`{field}`"
	for field in (
		"name",
		"owner",
		"creation",
		"modified",
		"modified_by",
		"_user_tags",
		"_comments",
		"_assign",
		"_liked_by",
		"docstatus",
		"idx",
		"customer_name",
		"customer_type",
		"lifecycle_status",
		"archived",
	)
]


class Recorder:
	"""Durations of the answers that end inside the measured window, errors and cross reads."""

	def __init__(self):
		self.measuring = False
		self.started = self.stopped = 0.0
		self.groups: dict[str, list[float]] = {}
		self.pages: dict[str, list[float]] = {}
		self.errors = self.cross = 0
		self.ready = 0
		self.samples: list[str] = []

	def on_request(self, request_type, name, response_time, exception=None, context=None, **_kw):
		if not self.measuring:
			return
		group = (context or {}).get("group", "other")
		if exception is not None:
			text = str(exception)
			if text.startswith(CROSS):
				self.cross += 1
			else:
				self.errors += 1
			if len(self.samples) < 20:
				self.samples.append(f"{request_type} {name}: {text[:300]}")
			return
		self.groups.setdefault(group, []).append(response_time)
		self.pages.setdefault(name, []).append(response_time)

	def result(self) -> dict:
		return {
			"window_s": (self.stopped or time.monotonic()) - self.started,
			"groups": self.groups,
			"pages": self.pages,
			"errors": self.errors,
			"cross": self.cross,
			"samples": self.samples,
		}


def foreign_markers(plan: dict, own: dict) -> list[str]:
	"""What no answer to `own`'s user may hold: the other load customers' ids, names and invoices."""
	out = []
	for other in plan["customers"]:
		if other["name"] != own["name"]:
			out += [other["name"], other["customer_name"], *other["invoices"]]
	return out


def check_text(response, own: dict, markers: list[str], text: str | None = None) -> None:
	"""Mark the answer failed unless it is a 200 about `own` with nothing of another customer."""
	if response.status_code != 200:
		response.failure(f"HTTP {response.status_code}: {(response.text or '')[:200]}")
		return
	text = response.text if text is None else text
	seen = next((marker for marker in markers if marker in text), None)
	if seen:
		response.failure(f"{CROSS}: {seen!r} in the answer to {own['user']}")
	elif own["customer_name"] not in text:
		response.failure(f"the answer to {own['user']} does not name their customer {own['customer_name']}")


def pdf_text(content: bytes) -> str:
	from pypdf import PdfReader

	text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
	# pypdf gives the spaces between words as tabs and breaks lines: one space, as on the pages
	return " ".join(text.split())


def make_users(plan: dict, recorder: Recorder) -> list[type]:
	mode = plan["mode"]
	waits = between(1, 3) if mode == "mixed" else constant(0)
	portal_logins = iter(plan["portal_users"])
	staff_logins = iter(plan["staff_users"])
	headers = {"X-Frappe-Site-Name": plan["site"], "Accept": "text/html,application/json"}
	form = {"Content-Type": "application/x-www-form-urlencoded"}

	class SiteUser(FastHttpUser):
		abstract = True
		host = plan["host"]
		default_headers = headers
		wait_time = waits
		network_timeout = 120.0
		connection_timeout = 30.0

		def login(self, login: dict) -> None:
			r = self.client.post(
				"/api/method/login",
				data=urlencode({"usr": login["user"], "pwd": login["password"]}),
				headers=form,
				name="login",
				context={"group": "login"},
			)
			if r.status_code != 200:
				raise RuntimeError(f"login of {login['user']} failed: {r.status_code} {r.text[:200]}")
			recorder.ready += 1

	class PortalUser(SiteUser):
		fixed_count = len(plan["portal_users"])

		def on_start(self):
			self.own = next(portal_logins)
			self.markers = foreign_markers(plan, self.own)
			self.login(self.own)
			self.step = count(random.randrange(len(PORTAL_PAGES) + len(self.own["invoices"])))

		def page(self, path: str, name: str, expect: str | None = None) -> None:
			with self.client.get(path, name=name, catch_response=True, context={"group": "portal"}) as r:
				check_text(r, self.own, self.markers)
				if expect and r.status_code == 200 and expect not in r.text:
					r.failure(f"{expect} is not on {path}")

		@task
		def browse(self):
			if mode == "ping":
				with self.client.get(
					"/api/method/ping", name="ping", catch_response=True, context={"group": "ping"}
				) as r:
					if r.status_code != 200 or '"pong"' not in r.text:
						r.failure(f"HTTP {r.status_code}: {r.text[:200]}")
				return
			if mode == "frappe page":
				# Frappe's own web page for a logged-in website user (its My Account page): the
				# website's render floor, the same base template, navbar and boot data as a portal page
				with self.client.get(
					"/me", name="frappe page", catch_response=True, context={"group": "frappe page"}
				) as r:
					if r.status_code != 200 or self.own["user"] not in r.text:
						r.failure(f"HTTP {r.status_code}: {r.text[:200]}")
				return
			pages = [*PORTAL_PAGES, *(f"/portal/invoices/{name}" for name in self.own["invoices"])]
			path = pages[next(self.step) % len(pages)]
			if path.startswith("/portal/invoices/"):
				self.page(path, "/portal/invoices/<name>", expect=path.rsplit("/", 1)[1])
				if mode == "mixed":
					self.pdf(path.rsplit("/", 1)[1])
			else:
				self.page(path, path)

		def pdf(self, invoice: str) -> None:
			self.wait()
			query = urlencode({"doctype": "Customer Invoice", "name": invoice, "format": "Invoice"})
			with self.client.get(
				f"{PDF}?{query}", name="invoice PDF", catch_response=True, context={"group": "pdf"}
			) as r:
				if r.status_code != 200 or not r.content.startswith(b"%PDF"):
					r.failure(f"HTTP {r.status_code}, not a PDF: {r.content[:100]!r}")
					return
				check_text(r, self.own, self.markers, text=pdf_text(r.content))

	class StaffUser(SiteUser):
		fixed_count = len(plan["staff_users"])

		def on_start(self):
			self.login(next(staff_logins))
			self.seen = [c["name"] for c in plan["customers"]]

		def call(self, endpoint: str, group: str, args: dict, post: bool = False) -> dict | None:
			"""A desk call: a 200 with its answer (`message`, or `docs` for a form load)."""
			path = f"/api/method/{endpoint}"
			kwargs = {"name": endpoint, "catch_response": True, "context": {"group": group}}
			if post:
				request = self.client.post(path, data=urlencode(args), headers=form, **kwargs)
			else:
				request = self.client.get(f"{path}?{urlencode(args)}", **kwargs)
			with request as r:
				try:
					answer = r.json() if r.status_code == 200 else {}
				except ValueError:
					answer = {}
				message = answer.get("message") or answer.get("docs")
				if message is None:
					r.failure(f"HTTP {r.status_code}: {(r.text or '')[:200]}")
				return message

		@task(3)
		def list_page(self):
			page = self.call(
				"frappe.desk.reportview.get",
				"desk list",
				{
					"doctype": "Customer",
					"fields": json.dumps(LIST_FIELDS),
					"filters": json.dumps([["Customer", "archived", "=", 0]]),
					"order_by": "`tabCustomer`.`modified` desc",
					"start": 20 * random.randint(0, 9),
					"page_length": 20,
					"view": "List",
				},
			)
			if page and page.get("values"):
				at = page["keys"].index("name")
				self.seen = [row[at] for row in page["values"]]

		@task(2)
		def open_form(self):
			customer = random.choice(self.seen)
			self.call("frappe.desk.form.load.getdoc", "desk form", {"doctype": "Customer", "name": customer})
			self.call("customer_lifecycle.api.customer360.summary", "desk form", {"customer": customer})

		@task(1)
		def record_payment(self):
			customer = random.choice(plan["customers"])["name"]
			self.call(
				"customer_lifecycle.api.billing.record_payment",
				"desk payment",
				{"customer": customer, "amount": 1, "method": "Cash", "reference": "load test"},
				post=True,
			)

	return [PortalUser, StaffUser] if mode == "mixed" else [PortalUser]


def run(plan: dict) -> dict:
	recorder = Recorder()
	users = make_users(plan, recorder)
	env = Environment(user_classes=users)
	env.events.request.add_listener(recorder.on_request)
	runner = env.create_local_runner()
	total = sum(cls.fixed_count for cls in users)
	runner.start(total, spawn_rate=total)
	# logins are not measured: the window opens once every user is logged in (or a minute passed),
	# and their first pages were served
	deadline = time.monotonic() + 60
	while recorder.ready < total and time.monotonic() < deadline and not runner.exceptions:
		gevent.sleep(0.2)
	gevent.sleep(plan.get("warmup_s", 3))
	recorder.measuring = True
	recorder.started = time.monotonic()
	gevent.sleep(plan["duration_s"])
	recorder.measuring = False
	recorder.stopped = time.monotonic()
	runner.quit()
	result = recorder.result()
	# an exception raised in a user (a refused login, a broken answer) is an error too
	result["errors"] += sum(e["count"] for e in runner.exceptions.values())
	result["samples"] += [e["msg"][:300] for e in list(runner.exceptions.values())[:5]]
	return result


if __name__ == "__main__":
	with open(sys.argv[1]) as f:
		plan = json.load(f)
	outcome = run(plan)
	with open(sys.argv[2], "w") as f:
		json.dump(outcome, f)
