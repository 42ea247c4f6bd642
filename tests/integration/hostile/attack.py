"""Hostile input: the payloads, how the answer to one is judged, and the tally of tries and findings
the suite prints at its end (conftest.py).

Every argument gets every class of payload: quotes, a backslash before a quote, comments,
UNION SELECT, SLEEP, stacked statements, backtick names, script tags, `../` paths, 1 MB of text and
NUL characters. An answer passes when:
- it carries no database error (and, for UNION SELECT, nothing the database made of it);
- it is a success, or a refusal: a 4xx whose message names the argument (its name or its label);
- a SLEEP payload's answer is not slower than the same request with harmless text (slow()).
A 5xx, a timeout, a database error or a refusal that does not say which argument is at fault is a
finding.
"""

import html
import json
import re
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests

# SLEEP(3) payloads: an answer this much slower than the same request with harmless text ran one
# (twice in a row: a busy machine may stall one answer, not the same two)
SLEEP_SECONDS = 3
SLOW = 2.0
TIMEOUT = 30
MEGABYTE = 1024 * 1024
# what UNION SELECT asks the database for, written in hex in the payload: an answer that holds it
# has the database's output in it
UNION_MARK = "zqunionhit"
UNION_HEX = "CONCAT(0x7a71, 0x756e696f6e686974)"
HARMLESS = "hostile harmless"
# the refusals a payload may get
REFUSALS = (400, 403, 404, 409, 413, 417)
# requests sent at once, where they are independent (reads)
AT_ONCE = 3
# the script payload sets this when a page runs it (the browser check looks for it)
SCRIPT_FLAG = "__hostile"
# the script payload's markup: a page that holds it unescaped would run it
SCRIPT_MARK = '<script>alert("hostile")</script>'


@dataclass(frozen=True)
class Payload:
	kind: str
	text: str
	sleeps: bool = False


def payloads(target: str) -> list[Payload]:
	"""One or two payloads of each class; `target` is the customer the stacked statement would rename
	(suite_view checks that no one sees it renamed). SLEEP payloads come last, so that the answers
	to the others give their argument's usual answer time."""
	return [
		Payload("quote", "O'Hara' OR '1'='1"),
		Payload("backslash", "\\' OR 1=1 -- "),
		Payload("comment", "hostile'/**/OR/**/1=1/*"),
		Payload("union", f"' UNION SELECT {UNION_HEX} -- "),
		Payload("stacked", f"'; UPDATE `tabCustomer` SET customer_name='hostile' WHERE name='{target}'; -- "),
		Payload("backtick", "name` = `name` OR 1=1 -- `"),
		Payload("script", f'{SCRIPT_MARK}<img src=x onerror="window.{SCRIPT_FLAG}=1">'),
		Payload("path", "../../../../../etc/passwd"),
		Payload("1 MB", ("hostile " * (MEGABYTE // 8))),
		Payload("NUL", "hostile\x00nul"),
		# unquoted, inside single quotes and inside double quotes alike
		Payload(
			"sleep",
			f"SLEEP({SLEEP_SECONDS}) /*' or SLEEP({SLEEP_SECONDS}) or '\" or SLEEP({SLEEP_SECONDS}) or \"*/",
			True,
		),
		# where quotes are doubled but a backslash is left to escape the first one
		Payload("sleep", f"\\' OR SLEEP({SLEEP_SECONDS}) -- ", True),
	]


def attack_text() -> str:
	"""The script payload, for stored text."""
	return next(p.text for p in payloads("") if p.kind == "script")


def logged_in(base_url: str, user: str) -> requests.Session:
	"""A session of `user` (the tests' password), logged in."""
	from tests.helpers import PASSWORD

	session = requests.Session()
	r = session.post(f"{base_url}/api/method/login", data={"usr": user, "pwd": PASSWORD}, timeout=30)
	assert r.status_code == 200, r.text[:300]
	return session


# --- answers ---------------------------------------------------------------------------------------


@dataclass
class Answer:
	status: int
	seconds: float
	text: str

	@property
	def body(self) -> dict:
		try:
			body = json.loads(self.text)
		except ValueError:
			return {}
		return body if isinstance(body, dict) else {}


def send(session: requests.Session, verb: str, url: str, data: dict, files: dict | None = None) -> Answer:
	"""One request; a timeout is an answer too (status 0)."""
	start = time.monotonic()
	try:
		if verb == "GET":
			r = session.get(url, params=data, timeout=TIMEOUT, allow_redirects=False)
		else:
			r = session.post(url, data=data, files=files, timeout=TIMEOUT, allow_redirects=False)
	except requests.Timeout:
		return Answer(0, time.monotonic() - start, f"no answer within {TIMEOUT} s")
	return Answer(r.status_code, time.monotonic() - start, r.text)


# a database error, however it reaches the answer (Frappe's own DataError and the like are not)
DB_ERROR = re.compile(
	r"pymysql|MySQLdb|mariadb|\b(?:ProgrammingError|OperationalError|InternalError|IntegrityError)\b"
	r"|SQL syntax|Unknown column|Data too long|Incorrect \w+ value|Truncated incorrect|Illegal mix of collations",
	re.IGNORECASE,
)


def messages(answer: Answer) -> str:
	"""What the answer says to a person: Frappe's messages, the exception's last line, or an error
	page's text."""
	body = answer.body
	if not body:
		return re.sub(r"<[^>]+>", " ", answer.text)
	said = []
	for raw in json.loads(body.get("_server_messages") or "[]"):
		try:
			said.append(str(json.loads(raw).get("message", "")))
		except (ValueError, AttributeError):
			said.append(str(raw))
	if isinstance(body.get("message"), str):
		said.append(body["message"])
	said.append(str(body.get("exception") or ""))
	return "\n".join(said)


def compact(text: str) -> str:
	return re.sub(r"[^a-z0-9]", "", text.lower())


def names_field(said: str, payload: str, names: set[str]) -> bool:
	"""Whether a refusal's message names the argument (by any of `names`), the payload itself (which
	may hold any word) left out."""
	for shown in (payload, html.escape(payload), html.escape(payload, quote=False), payload.strip()):
		if shown:
			said = said.replace(shown, " ")
	said = html.unescape(said)
	return any(compact(name) and compact(name) in compact(said) for name in names) or any(
		re.search(in_words(name), said, re.IGNORECASE) for name in names if in_words(name)
	)


def in_words(name: str) -> str | None:
	"""A pattern for an argument of several words said in words: assign_to as "Assigned To"."""
	words = [w for w in re.split(r"[\W_]+", name) if w]
	if len(words) < 2:
		return None
	return r"\b" + r"\w*\W+".join(re.escape(w) for w in words) + r"\w*\b"


def judge(answer: Answer, payload: Payload, names: set[str]) -> str | None:
	"""The finding an answer makes, or None."""
	if answer.status == 0:
		return answer.text
	# (what the answer repeats of the payload is no error of the database's)
	text = answer.text.replace(payload.text, " ") if len(payload.text) > 100 else answer.text
	if DB_ERROR.search(text):
		return f"{answer.status} with a database error: {excerpt(messages(answer) or answer.text)}"
	if UNION_MARK in text:
		return f"{answer.status}: the answer holds what UNION SELECT asked the database for"
	if answer.status >= 500:
		return (
			f"{answer.status} (server error) {answer.body.get('exc_type', '')}: {excerpt(messages(answer))}"
		)
	if answer.status == 414 and payload.kind == "1 MB":
		return None  # the web server refuses a URL this long before the app reads it (as nginx does)
	if 400 <= answer.status < 500 and not names_field(messages(answer), payload.text, names):
		return (
			f"{answer.status} {answer.body.get('exc_type', '')} that does not name the field: "
			f"{excerpt(messages(answer))}"
		)
	if answer.status not in (200, *REFUSALS) and not 300 <= answer.status < 400:
		return f"{answer.status}: {excerpt(answer.text)}"
	return None


def excerpt(text: str, size: int = 200) -> str:
	text = " ".join(text.split())
	return text if len(text) <= size else text[:size] + "..."


# --- a field, tried with every payload -------------------------------------------------------------


def attack(
	where: str,
	names: set[str],
	send_with: Callable[[str], Answer],
	hostile: list[Payload],
	check: Callable[[Answer, Payload], str | None] | None = None,
	independent: bool = False,
) -> list[str]:
	"""Send every payload in one field (send_with(text) makes the request with `text` there) and
	judge each answer (and `check` it, when given); the findings, each counted in TALLY. Requests
	that are `independent` (reads) go AT_ONCE at a time, but SLEEP's, each alone after the others."""
	quick = [p for p in hostile if not p.sleeps]
	if independent:
		with ThreadPoolExecutor(AT_ONCE) as pool:
			answers = list(pool.map(lambda p: send_with(p.text), quick))
		# a server error among requests sent at once is sent again alone: a payload's own 500
		# comes back, and is judged; one that does not is counted apart (TALLY.transient)
		for i, (payload, answer) in enumerate(zip(quick, answers, strict=True)):
			if answer.status >= 500:
				again = send_with(payload.text)
				if again.status < 500:
					TALLY.transient.append(f"{where} <- {payload.kind}: {answer.status}, then {again.status}")
					answers[i] = again
	else:
		answers = [send_with(p.text) for p in quick]
	seconds = [a.seconds for p, a in zip(quick, answers, strict=True) if p.kind != "1 MB" and a.status]
	findings = []
	for payload, answer in [*zip(quick, answers, strict=True), *((p, None) for p in hostile if p.sleeps)]:
		if answer is None:
			answer = send_with(payload.text)
		problem = judge(answer, payload, names) or (check(answer, payload) if check else None)
		if payload.sleeps and not problem:
			problem = slow(answer, seconds, lambda p=payload: send_with(p.text), lambda: send_with(HARMLESS))
		TALLY.tried(where, payload.kind)
		if problem:
			findings.append(TALLY.found(where, payload.kind, problem))
	return findings


def slow(answer: Answer, seconds: list[float], again: Callable[[], Answer], harmless: Callable[[], Answer]):
	"""A finding when a SLEEP payload's answer took SLOW longer than the field's usual answer (the
	median of its other answers), and did again, next to the same request with harmless text."""
	usual = statistics.median(seconds) if seconds else harmless().seconds
	if answer.seconds - usual < SLOW:
		return None
	usual, repeated = harmless().seconds, again()
	if repeated.seconds - usual < SLOW:
		return None
	return (
		f"answered in {answer.seconds:.1f} s and {repeated.seconds:.1f} s, against {usual:.1f} s with "
		"harmless text: the database ran SLEEP"
	)


# --- the tally -------------------------------------------------------------------------------------


@dataclass
class Tally:
	"""Every try and finding of the session, printed at its end."""

	tries: int = 0
	findings: list[str] = field(default_factory=list)
	places: set[str] = field(default_factory=set)
	# findings in Frappe's own code that the app cannot change: printed apart, not failed
	frappes: list[str] = field(default_factory=list)
	# server errors of requests sent at once that the same request sent alone did not repeat
	transient: list[str] = field(default_factory=list)

	def tried(self, where: str, kind: str, count: int = 1) -> None:
		self.tries += count
		self.places.add(where)

	def found(self, where: str, kind: str, problem: str) -> str:
		finding = f"{where} <- {kind}: {problem}"
		self.findings.append(finding)
		return finding

	def set_apart(self, finding: str) -> None:
		"""A finding that is Frappe's own (test_reports.FRAPPES_OWN), listed apart."""
		self.findings.remove(finding)
		self.frappes.append(finding)


TALLY = Tally()
