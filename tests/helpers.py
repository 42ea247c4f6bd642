"""Helpers shared by the integration and browser tests."""

import os
import threading
from contextlib import contextmanager

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


def run_in_threads(site, work, count=2):
	"""Run work(i) in `count` threads, each with its own connection, released together; returns
	each outcome ("ok" or the exception's class name)."""
	import frappe

	sites_path = os.getcwd()
	barrier = threading.Barrier(count)
	outcomes = []

	def run(i):
		frappe.init(site=site, sites_path=sites_path)
		frappe.connect()
		frappe.set_user("Administrator")
		try:
			barrier.wait(timeout=30)
			work(i)
			frappe.db.commit()
			outcomes.append("ok")
		except Exception as e:
			frappe.db.rollback()
			outcomes.append(type(e).__name__)
		finally:
			frappe.destroy()

	threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
	for t in threads:
		t.start()
	for t in threads:
		t.join(60)
	return outcomes
