"""What an import runs under while it checks and builds chunks: threads that write the chunks
before (BackgroundWriters) and look up the next one's keys (BackgroundLookups), each on a raw
database connection of its own, so that the database works on other CPUs than the import's
Python; and Python's cycle collector paused (cycle_collection_paused).
"""

import gc
import queue
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress

import frappe
import pymysql
from frappe.database import get_db

from customer_lifecycle.customers.importer.checking import existing_customers
from customer_lifecycle.customers.importer.writer import Batch


def open_connection(local_infile: bool = False):
	"""A connection to the site's database of its own (a pymysql connection with the settings
	Frappe's own get_db gives the site's), for a thread: it touches nothing of Frappe's. With
	`local_infile`, it may send files for LOAD DATA LOCAL."""
	conf = frappe.local.conf
	db = get_db(
		host=conf.db_host,
		port=conf.db_port,
		user=conf.db_name,
		password=conf.db_password,
		cur_db_name=conf.db_name,
	)
	return pymysql.connect(**{**db.get_connection_settings(), "local_infile": local_infile})


class BackgroundLookups:
	"""existing_customers for a chunk, run in a thread on a connection of its own, while the import
	checks the next chunk and writes the one before. Reads only; each query its own transaction, so
	it sees what is committed when it runs. Disabled, a lookup runs on the site's connection, when
	its answer is asked for."""

	def __init__(self, enabled: bool = True):
		self.executor, self.connection = None, None
		if enabled:
			with suppress(Exception):
				self.connection = open_connection()
				self.connection.autocommit(True)
				self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="customer-import-lookup")

	def __enter__(self) -> "BackgroundLookups":
		return self

	def __exit__(self, kind, error, traceback) -> None:
		if self.executor:
			self.executor.shutdown(wait=True, cancel_futures=True)
		if self.connection:
			with suppress(Exception):
				self.connection.close()

	def submit(self, rows: list[dict]) -> Callable[[], dict[tuple[str, str], str]]:
		"""Start looking up the rows' keys; returns what gives the answer (waiting for it)."""
		if not self.executor:
			return lambda: existing_customers(rows)
		return self.executor.submit(existing_customers, rows, self.query).result

	def query(self, query: str, values) -> tuple:
		with self.connection.cursor() as cursor:
			cursor.execute(query, values)
			return cursor.fetchall()


class BackgroundWriters:
	"""Writes built batches while the import checks and builds the next ones: `count` threads, each
	with a database connection of its own, so that the database works on other CPUs than the
	import's Python. Each batch is one transaction on one connection, its tables sent as files for
	LOAD DATA LOCAL (TableRows.load: parsing the same records as INSERT text would be much of the
	server's work): committed once all were written, or else rolled back, leaving nothing of it in
	the table, with the error kept in batch.error for the import to deal with. Where the server
	does not take LOAD DATA LOCAL (local_infile off), a thread writes multi-row INSERTs instead.

	The threads touch nothing of Frappe's (frappe.local stays the import's): each has a plain
	pymysql connection, made with the site's connection settings (open_connection). With no threads
	(`count` 0), `submit` writes INSERTs and commits on the site's connection, there and then."""

	LOAD = True  # LOAD DATA LOCAL where the server takes it (INSERTs otherwise)

	def __init__(self, count: int):
		self.todo: queue.Queue[Batch | None] = queue.Queue(maxsize=max(count, 1))
		self.done: queue.Queue[Batch] = queue.Queue()
		self.threads: list[threading.Thread] = []
		for number in range(count):
			try:
				connection = open_connection(local_infile=True)
			except Exception:
				# no more connections to be had: fewer writers (none: the site's connection)
				frappe.log_error(title="Customer import: a background writer could not connect")
				break
			thread = threading.Thread(
				target=self.work, args=(connection,), name=f"customer-import-writer-{number}", daemon=True
			)
			thread.start()
			self.threads.append(thread)

	def __enter__(self) -> "BackgroundWriters":
		return self

	def __exit__(self, kind, error, traceback) -> None:
		if error:
			# the import stops: what is not being written yet is not written at all
			with suppress(queue.Empty):
				while True:
					self.todo.get_nowait()
		self.stop()

	def submit(self, batch: Batch) -> None:
		"""Write the batch (waits while as many batches wait as there are writers)."""
		if self.threads:
			self.todo.put(batch)
			return
		try:
			for table in batch.tables:
				frappe.db.sql(*table.insert_query())
			frappe.db.commit()
		except Exception as e:
			batch.error = e
			frappe.db.rollback()
		self.done.put(batch)

	def finished(self) -> list[Batch]:
		"""The batches written (or refused) since last asked."""
		batches = []
		with suppress(queue.Empty):
			while True:
				batches.append(self.done.get_nowait())
		return batches

	def stop(self) -> list[Batch]:
		"""Wait for the batches submitted to be written; returns those finished since last asked."""
		for _thread in self.threads:
			self.todo.put(None)
		for thread in self.threads:
			thread.join()
		self.threads = []
		return self.finished()

	def work(self, connection) -> None:
		cursor = connection.cursor()
		try:
			cursor.execute("SELECT @@local_infile")
			load = self.LOAD and bool(cursor.fetchone()[0])
			while (batch := self.todo.get()) is not None:
				try:
					for table in batch.tables:
						if load:
							table.load(cursor)
						else:
							cursor.execute(*table.insert_query())
					connection.commit()
				except Exception as e:
					batch.error = e
					with suppress(Exception):
						connection.rollback()
				self.done.put(batch)
		finally:
			with suppress(Exception):
				connection.close()


@contextmanager
def cycle_collection_paused():
	"""Python's cycle collector off for a while (an import). The rows of a large file are millions
	of small objects that live until the import ends, and the collector would go through them all
	again and again, a large share of the import's Python time. They make no reference cycles; what
	else does is collected once the collector is back on."""
	paused = gc.isenabled()
	gc.disable()
	try:
		yield
	finally:
		if paused:
			gc.enable()
