"""bench commands: `bench --site S customer-lifecycle demo|benchmark|check-figures`."""

import time

import click
from frappe.commands import get_site, pass_context


@click.group("customer-lifecycle")
def customer_lifecycle():
	"""Customer Lifecycle: demo data and benchmarks."""


@customer_lifecycle.command("demo")
@click.option("--customers", default=1000, show_default=True, help="How many customers to make")
@click.option("--seed", type=int, default=None, help="Random seed, for repeatable data")
@pass_context
def demo(context, customers: int, seed: int | None):
	"""Make a firm's last 18 months: customers across every lifecycle state with their history,
	onboarding, billing, notes, flags, tasks, tags and a portal customer, then the nightly jobs.
	A run that stopped before its end is finished by the next, for the same customers."""
	import frappe

	from customer_lifecycle.demo import PORTAL_LOGIN, make_demo
	from customer_lifecycle.demo.staff import STAFF, STAFF_PASSWORD

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		started = time.monotonic()
		try:
			make_demo(customers, seed=seed, echo=click.echo)
		except frappe.ValidationError as e:
			raise click.ClickException(str(e)) from e
		click.echo(f"Demo ready on {frappe.local.site} in {time.monotonic() - started:.0f} s.")
		staff = ", ".join(f"{email} ({role})" for email, _first, _last, role in STAFF)
		click.echo(f"Staff logins: {staff}, password {STAFF_PASSWORD}")
		click.echo("Portal login: {} / {}".format(*PORTAL_LOGIN))
	finally:
		frappe.destroy()


# each suite is a module customer_lifecycle.benchmarks.<suite> with main(customers, inserts, samples, echo)
SUITES = (
	"foundation",
	"duplicates",
	"imports",
	"customer360",
	"onboarding",
	"bulk",
	"billing",
	"privacy",
	"segments",
	"reports",
	"dormancy",
	"profitability",
	"replica",
	"load",
	"soak",
)


@customer_lifecycle.command("benchmark")
@click.option("--suite", type=click.Choice(SUITES), multiple=True, help="Suites to run (default: all)")
@click.option(
	"--customers", default=100_000, show_default=True, help="Customers in the table while measuring"
)
@click.option("--inserts", default=2000, show_default=True, help="Inserts timed for each insert figure")
@click.option("--samples", default=300, show_default=True, help="Samples for each latency figure")
@pass_context
def benchmark(context, suite: tuple[str, ...], customers: int, inserts: int, samples: int):
	"""Print the speed figures of each suite, measured on this site."""
	import importlib

	import frappe

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		for name in suite or SUITES:
			click.echo(f"\n## {name}")
			module = importlib.import_module(f"customer_lifecycle.benchmarks.{name}")
			module.main(customers=customers, inserts=inserts, samples=samples, echo=click.echo)
	finally:
		frappe.destroy()


@customer_lifecycle.command("check-figures")
@click.option("--fix", is_flag=True, help="Correct the stored figures that differ")
@pass_context
def check_figures(context, fix: bool):
	"""Recompute every customer's money figures from its invoices and payments and report drift."""
	import frappe

	from customer_lifecycle.billing.figures import drift

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		found = drift(fix=fix)
		for customer, field, stored, actual in found[:200]:
			click.echo(f"{customer}: {field} stored {stored}, from the records {actual}")
		customers = len({row[0] for row in found})
		click.echo(
			f"{len(found)} figures differ, on {customers} customers"
			+ (" (corrected)" if fix and found else "")
		)
		if fix:
			frappe.db.commit()
		elif found:
			raise SystemExit(1)
	finally:
		frappe.destroy()


commands = [customer_lifecycle]
