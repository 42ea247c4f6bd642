"""What must hold of the records however many people worked on them at once, and whatever died on
the way (issue 18 §6): the concurrency soak and the fault tests check it afterwards.

- every submitted invoice's outstanding amount is its total less what payments allocated to it and
  what it drew from the retainer;
- no allocation is over-spent: no invoice is paid more than its total, no payment allocates more
  than its amount, and a payment's allocated amount is the sum of its allocations;
- every customer's stored figures equal a recomputation from its records (billing/figures.py);
- no onboarding round is doubled: a customer has no more rounds than it entered onboarding, and at
  most one running;
- every lifecycle change joins up: each change's from-state is the state the one before it left
  the customer in (a customer merged into another brings its own line of changes along: the
  survivor then has one line per customer it holds, each starting at the workflow's first state).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import frappe
from frappe.utils import flt

from customer_lifecycle.billing import figures
from customer_lifecycle.lifecycle.engine import get_settings, get_workflow, initial_state

MONEY = 0.005


@dataclass
class Checked:
	"""How many of each the invariants were checked on, and every breach found."""

	invoices: int = 0
	payments: int = 0
	customers: int = 0
	rounds: int = 0
	changes: int = 0
	breaches: list[str] = field(default_factory=list)

	def counts(self) -> dict:
		return {
			"invoices": self.invoices,
			"payments": self.payments,
			"customers": self.customers,
			"onboarding rounds": self.rounds,
			"lifecycle changes": self.changes,
		}


def check(customers: list[str] | None = None, lines: dict[str, int] | None = None) -> Checked:
	"""Check every invariant over these customers (every customer of the site when None). `lines`:
	for a customer others were merged into, how many customers' lines of changes it holds (1 when
	not given). Returns what was checked; the caller asserts `breaches` is empty."""
	checked = Checked()
	where, values = (
		("and i.customer in %(customers)s", {"customers": tuple(customers or [""])})
		if (customers is not None)
		else ("", {})
	)
	invoices(checked, where, values)
	payments(checked, where.replace("i.", "p."), values)
	money_figures(checked, customers)
	rounds_and_changes(checked, customers, lines or {})
	return checked


def invoices(checked: Checked, where: str, values: dict) -> None:
	# SQL: one pass over the submitted invoices with what submitted payments allocated to each
	rows = frappe.db.sql(
		f"""
		select i.name, i.total, i.outstanding_amount, coalesce(i.retainer_drawn, 0) as drawn,
			coalesce(sum(a.allocated_amount), 0) as paid
		from `tabCustomer Invoice` i
		left join `tabCustomer Payment Allocation` a on a.invoice = i.name and a.docstatus = 1
		where i.docstatus = 1 {where}
		group by i.name, i.total, i.outstanding_amount, i.retainer_drawn""",
		values,
		as_dict=True,
	)
	checked.invoices = len(rows)
	for row in rows:
		expected = flt(row.total) - flt(row.drawn) - flt(row.paid)
		if abs(expected - flt(row.outstanding_amount)) > MONEY:
			checked.breaches.append(
				f"invoice {row.name}: outstanding {row.outstanding_amount}, but total {row.total} less "
				f"{row.paid} allocated and {row.drawn} drawn is {expected}"
			)
		if flt(row.paid) + flt(row.drawn) > flt(row.total) + MONEY or flt(row.outstanding_amount) < -MONEY:
			checked.breaches.append(
				f"invoice {row.name}: paid {row.paid} and drawn {row.drawn} of a total of {row.total}"
			)


def payments(checked: Checked, where: str, values: dict) -> None:
	rows = frappe.db.sql(
		f"""
		select p.name, p.amount, p.allocated_amount, p.unallocated_amount, p.is_retainer_deposit,
			coalesce(sum(a.allocated_amount), 0) as allocations, count(a.name) as rows_
		from `tabCustomer Payment` p
		left join `tabCustomer Payment Allocation` a on a.parent = p.name
		where p.docstatus = 1 {where}
		group by p.name, p.amount, p.allocated_amount, p.unallocated_amount, p.is_retainer_deposit""",
		values,
		as_dict=True,
	)
	checked.payments = len(rows)
	for row in rows:
		if abs(flt(row.allocations) - flt(row.allocated_amount)) > MONEY:
			checked.breaches.append(
				f"payment {row.name}: allocated {row.allocated_amount}, its allocations add to {row.allocations}"
			)
		if flt(row.allocated_amount) > flt(row.amount) + MONEY or flt(row.unallocated_amount) < -MONEY:
			checked.breaches.append(
				f"payment {row.name}: allocates {row.allocated_amount} of an amount of {row.amount}"
			)
		if row.is_retainer_deposit and row.rows_:
			checked.breaches.append(f"payment {row.name}: a retainer deposit that pays invoices")


def money_figures(checked: Checked, customers: list[str] | None) -> None:
	wanted = None if customers is None else set(customers)
	for customer, figure, stored, actual in figures.drift():
		if wanted is None or customer in wanted:
			checked.breaches.append(
				f"customer {customer}: {figure} stored {stored}, its records give {actual}"
			)
	checked.customers = (
		frappe.db.count("Customer")
		if wanted is None
		else frappe.db.count("Customer", {"name": ("in", list(wanted or [""]))})
	)


def rounds_and_changes(checked: Checked, customers: list[str] | None, lines: dict[str, int]) -> None:
	settings = get_settings()
	first = initial_state(get_workflow())
	only = {} if customers is None else {"customer": ("in", customers or [""])}
	states = dict(
		frappe.get_all(
			"Customer",
			filters={} if customers is None else {"name": ("in", customers or [""])},
			fields=["name", "lifecycle_status"],
			as_list=True,
		)
	)
	changes = defaultdict(list)
	for row in frappe.get_all(
		"Customer Lifecycle Change",
		filters=only,
		fields=["name", "customer", "from_state", "to_state"],
		order_by="changed_on asc, creation asc",
	):
		changes[row.customer].append(row)
		checked.changes += 1
	rounds = defaultdict(lambda: [0, 0])  # customer: [rounds, running]
	for row in frappe.get_all("Onboarding Checklist", filters=only, fields=["customer", "ended_on"]):
		rounds[row.customer][0] += 1
		rounds[row.customer][1] += not row.ended_on
		checked.rounds += 1
	for customer, (count, running) in rounds.items():
		entered = sum(1 for c in changes[customer] if c.to_state == settings.onboarding_state)
		if count > entered or running > 1:
			checked.breaches.append(
				f"customer {customer}: {count} onboarding rounds ({running} running) for {entered} entries"
			)
	for customer, state in states.items():
		heads = Counter({first: lines.get(customer, 1)})
		for change in changes[customer]:
			if not heads[change.from_state]:
				checked.breaches.append(
					f"customer {customer}: change {change.name} from {change.from_state} to {change.to_state}"
					f" does not follow on ({dict(+heads)})"
				)
			heads[change.from_state] -= 1
			heads[change.to_state] += 1
		if not heads[state]:
			checked.breaches.append(
				f"customer {customer}: in {state}, where its changes leave {dict(+heads)}"
			)
