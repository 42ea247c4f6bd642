"""Helpers shared by the integration and browser tests."""

import os
import re
import threading
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from itertools import pairwise
from unittest.mock import patch

PASSWORD = "Cl-test-Passw0rd!"
PERSONAS = {
	"manager": ("cl.manager@example.com", ["Customer Manager"]),
	"user": ("cl.user@example.com", ["Customer User"]),
	"outsider": ("cl.outsider@example.com", ["Blogger"]),
}


@contextmanager
def as_user(email: str):
	"""Run the block as another user, then go back."""
	import frappe

	previous = frappe.session.user
	frappe.set_user(email)
	try:
		yield
	finally:
		frappe.set_user(previous)


# a statement that waits for another transaction's row locks
LOCKING_READ = re.compile(r"\bfor\s+update\b|\block\s+in\s+share\s+mode\b|\bfor\s+share\b", re.I)
# how long the database must have run such a statement for it to count as waiting (one that takes
# a free lock comes back in a millisecond or two)
WAITING_MS = 100


@dataclass
class Span:
	"""One racing thread's times (time.monotonic()): when it entered the contended call (after the
	others had come that far), when it came out of it (returned or raised), and when it began to
	commit or roll back its transaction (until then it holds its row locks). `waited`: a racer out
	of the call ahead of it saw it, while holding its own transaction open, inside the call in a
	locking read the database had been running for WAITING_MS."""

	entered: float | None = None
	left: float | None = None
	ended: float | None = None
	connection: int | None = None
	waited: bool = False


@dataclass(repr=False)
class Race:
	"""What run_in_threads saw: each thread's outcome ("ok" or the exception's class name) and span,
	in thread order. A race test asserts overlapped() (and took_turns() where a lock decides),
	or its threads may have run one after the other and it proved nothing."""

	outcomes: list[str | None]
	spans: list[Span]

	def overlapped(self) -> bool:
		"""Every thread entered the contended call before any thread's transaction began to end."""
		spans = self.spans
		if any(s.entered is None or s.ended is None for s in spans):
			return False
		return max(s.entered for s in spans) < min(s.ended for s in spans)

	def took_turns(self) -> bool:
		"""In the order they came out of the contended call, each thread was seen waiting in it on a
		lock while the one ahead held its transaction, and came out only after that one began to end
		it: it waited for that one's locks (a slow call that waits for nothing is not taken for one)."""
		if any(s.entered is None or s.left is None or s.ended is None for s in self.spans):
			return False
		spans = sorted(self.spans, key=lambda s: s.left)
		return all(
			later.waited and later.entered < ahead.ended <= later.left for ahead, later in pairwise(spans)
		)

	def __repr__(self) -> str:
		known = [t for s in self.spans for t in (s.entered, s.left, s.ended) if t is not None]
		start = min(known, default=0)

		def ms(t):
			return "-" if t is None else f"{(t - start) * 1000:.1f}"

		return "; ".join(
			f"thread {i} {outcome}: entered {ms(s.entered)} ms, left {ms(s.left)}, ended {ms(s.ended)}"
			f"{', seen waiting' if s.waited else ''}"
			for i, (outcome, s) in enumerate(zip(self.outcomes, self.spans, strict=True))
		)

	def watch_the_others(self, span: Span, timeout: float = 30) -> None:
		"""Called by a racer just out of the contended call, its transaction still open: wait until
		each racer still inside the call is seen in a locking read the database has run for
		WAITING_MS (then it waits for this one's locks), or has come out (it waited for nothing)."""
		import frappe

		deadline = time.monotonic() + timeout
		while time.monotonic() < deadline:
			inside = {
				s.connection: s for s in self.spans if s is not span and s.left is None and not s.waited
			}
			if not inside:
				return
			for connection, running_ms, statement in frappe.db.sql(
				"select id, time_ms, info from information_schema.processlist where id in %s",
				[tuple(inside)],
			):
				if statement and LOCKING_READ.search(statement) and running_ms >= WAITING_MS:
					inside[connection].waited = True
			time.sleep(0.01)


def customer_save_lock() -> tuple:
	"""meet_in for saves of one customer: the save's locking read (Frappe's check_if_latest reads the
	row FOR UPDATE, then refuses a copy older than the database's). Racers meet there having loaded
	the customer; the first takes the row, the others wait for its commit."""
	from customer_lifecycle.customers.doctype.customer.customer import Customer

	return (Customer, "check_if_latest")


def run_in_threads(site, work, count=2, meet_in=None) -> Race:
	"""Run work(i) in `count` threads, each with its own connection and transaction, released
	together, and commit each (roll it back when work raises).

	meet_in=(owner, "attribute") names the contended call (a function of a module or a method of a
	class) that work reaches: each thread, on its first call of it, waits there until every thread
	has come that far (its transaction open, what it read before read), then goes on; its span is
	that call's. Without it, the threads meet before work and the span is work's. A thread out of the
	call keeps its transaction open until the others still in it are seen waiting on a lock, or come
	out (Race.watch_the_others): the later ones' wait is seen, not guessed from times."""
	import frappe

	sites_path = os.getcwd()
	start, meeting = threading.Barrier(count), threading.Barrier(count)
	race = Race([None] * count, [Span() for _ in range(count)])
	local = threading.local()

	def contended(call):
		def meet_first(*args, **kwargs):
			span = getattr(local, "span", None)
			if span is None or span.entered is not None:  # not a racer's first call: not the one raced
				return call(*args, **kwargs)
			meeting.wait(timeout=30)
			span.entered = time.monotonic()
			try:
				return call(*args, **kwargs)
			finally:
				span.left = time.monotonic()
				race.watch_the_others(span)

		return meet_first

	def run(i):
		span = local.span = race.spans[i]
		frappe.init(site=site, sites_path=sites_path)
		frappe.connect()
		frappe.set_user("Administrator")
		span.connection = frappe.db.sql("select connection_id()")[0][0]
		try:
			start.wait(timeout=30)
			if meet_in:
				work(i)
			else:
				contended(work)(i)
			span.ended = time.monotonic()
			frappe.db.commit()
			race.outcomes[i] = "ok"
		except Exception as e:
			span.ended = time.monotonic()
			frappe.db.rollback()
			race.outcomes[i] = type(e).__name__
		finally:
			if span.entered is None:
				meeting.abort()  # it never came to the contended call: the others would wait in vain
			frappe.destroy()

	with patch.object(*meet_in, contended(getattr(*meet_in))) if meet_in else nullcontext():
		threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
		for t in threads:
			t.start()
		for t in threads:
			t.join(60)
	return race
