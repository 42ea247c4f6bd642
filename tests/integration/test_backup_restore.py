"""Backup and restore lose nothing: `bench backup --with-files` of a site with customers of every kind,
then `bench restore` onto an emptied site that has the app, then `bench migrate`; every customer,
contact, address, lifecycle change, checklist, invoice, payment and note is there, every private file
has the same content, and portal logins still work."""

import json
import time

import pytest

from tests.bench import Bench

PORTAL_PASSWORD = "Restore-Portal-1"

# on the site to back up: the demo's customers, and one customer with a record of every kind
MAKE_WORLD = f"""
import json
# the jobs the saves queue (a portal login's contact update, ...) run here, as in Frappe's tests
frappe.flags.in_test = True
import time
from customer_lifecycle.demo import portal_customer
from customer_lifecycle.demo.customers import make_customers
make_customers(30, seed=5)
world = portal_customer.make("Restore Client", "restore.client@example.com", {PORTAL_PASSWORD!r})
# a private file: a document the portal user uploads for an onboarding item
import io
from pypdf import PdfWriter
from customer_lifecycle.portal import writes
pdf = PdfWriter()
pdf.add_blank_page(width=100, height=100)
content = io.BytesIO()
pdf.write(content)
frappe.set_user(world.user)
writes.upload_document(world.name, world.provided_item, "restore-proof.pdf", content.getvalue())
frappe.set_user("Administrator")
frappe.db.commit()
print(json.dumps({{"customer": world.name, "user": world.user}}))
"""

# what must survive: row counts and a checksum of each table's rows, and the private files' contents
FINGERPRINT = """
import hashlib, json, os
tables = ["Customer", "Contact", "Address", "Dynamic Link", "Customer Lifecycle Change", "Onboarding Checklist",
	"Onboarding Checklist Item", "Customer Invoice", "Customer Invoice Item", "Customer Payment",
	"Customer Payment Allocation", "Customer Note", "Customer Flag", "Engagement", "File", "User", "Has Role"]
out = {}
for doctype in tables:
	rows = frappe.db.sql(f"select * from `tab{doctype}` order by name", as_dict=True)
	# by column name, so the order of the table's columns does not count
	out[doctype] = [len(rows), hashlib.sha256(json.dumps(rows, sort_keys=True, default=str).encode()).hexdigest()]
files = {}
for f in frappe.get_all("File", filters={"is_private": 1, "is_folder": 0}, fields=["file_url"]):
	path = frappe.get_site_path(f.file_url.lstrip("/"))
	files[f.file_url] = hashlib.sha256(open(path, "rb").read()).hexdigest() if os.path.exists(path) else None
out["private files"] = files
print(json.dumps(out))
"""

PASSWORD_CHECK = """
from frappe.utils.password import check_password
print(check_password({user!r}, {password!r}))
"""


@pytest.fixture(scope="module")
def bench(site):
	b = Bench()
	yield b
	b.drop_all()


def test_a_restored_site_has_everything_and_portal_logins_work(bench, tmp_path_factory):
	original = bench.new_site("customer_lifecycle", prefix="backup")
	bench.run("--site", original, "execute", "customer_lifecycle.utils.site_setup.complete_setup_wizard")
	world = json.loads(bench.python(MAKE_WORLD, original).strip().splitlines()[-1])
	# the jobs the saves queued (the bench's worker serves every site) finish before the backup
	before = settled(bench, original)
	assert before["Customer"][0] >= 31 and before["Customer Invoice"][0] >= 1 and before["private files"]
	assert all(digest for digest in before["private files"].values())

	backup_dir = tmp_path_factory.mktemp("backup")
	bench.run("--site", original, "backup", "--with-files", "--backup-path", str(backup_dir))
	assert fingerprint(bench, original) == before
	database = next(backup_dir.glob("*-database.sql.gz"))
	private = next(backup_dir.glob("*-private-files.tar"))
	public = next(backup_dir.glob("*-files.tar"))

	restored = bench.new_site("customer_lifecycle", prefix="restored")
	bench.run(
		"--site",
		restored,
		"restore",
		str(database),
		"--with-private-files",
		str(private),
		"--with-public-files",
		str(public),
		*bench.db_args(),
		"--force",
	)
	bench.run("--site", restored, "migrate")

	after = fingerprint(bench, restored)
	assert after == before
	check = PASSWORD_CHECK.format(user=world["user"], password=PORTAL_PASSWORD)
	assert bench.python(check, restored).strip().splitlines()[-1] == world["user"]


def fingerprint(bench: Bench, site: str) -> dict:
	return json.loads(bench.python(FINGERPRINT, site).strip().splitlines()[-1])


def settled(bench: Bench, site: str) -> dict:
	"""The site's fingerprint once two readings a few seconds apart agree."""
	last = fingerprint(bench, site)
	for _ in range(20):
		time.sleep(2)
		now = fingerprint(bench, site)
		if now == last:
			return now
		last = now
	raise AssertionError(f"{site} kept changing")
