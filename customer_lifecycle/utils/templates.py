"""Compiled Jinja templates kept for the life of a web worker.

Frappe v15 makes a new Jinja environment for every request (`frappe.local.jenv`), so every template
a page extends or includes is read, parsed and compiled again on each request: measured here, 24
compiles and about 60 % of a portal page's time. Jinja's own bytecode cache (`jinja2.BytecodeCache`)
keeps the compiled code by template name, and checks it against the template's source (a changed
template is compiled afresh). The code holds no request data: the environment's globals (the user,
the session) are still the request's own.
"""

from jinja2 import BytecodeCache


class WorkerBytecodeCache(BytecodeCache):
	"""Compiled templates in the worker's memory, by template name and file."""

	def __init__(self):
		self.store: dict[str, bytes] = {}

	def load_bytecode(self, bucket) -> None:
		code = self.store.get(bucket.key)
		if code is not None:
			bucket.bytecode_from_string(code)

	def dump_bytecode(self, bucket) -> None:
		self.store[bucket.key] = bucket.bytecode_to_string()


COMPILED = WorkerBytecodeCache()


def keep_compiled() -> None:
	"""Have this request's Jinja environment reuse the worker's compiled templates."""
	from frappe.utils.jinja import get_jenv

	jenv = get_jenv()
	if jenv.bytecode_cache is None:
		jenv.bytecode_cache = COMPILED
