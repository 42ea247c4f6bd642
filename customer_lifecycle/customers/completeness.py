"""Completeness score: the weighted share of a customer's data points that are filled.

The data points and their weights are rows of Customer Lifecycle Settings (`completeness_rules`):
each names a Customer field — email, phone, id_number, customer_category, primary_contact,
billing_address by default, and any intake field an admin adds. One pure function (`score`) computes
the figure for a saved customer, for a recompute of the whole table, and for bulk imports.
"""

import frappe
from frappe import _
from frappe.model import no_value_fields

from customer_lifecycle.utils.bulk import chunks, set_column
from customer_lifecycle.utils.doctypes import CUSTOMER, SETTINGS

FIELD = "completeness"
JOB_ID = "customer_lifecycle.completeness.recompute_all"
CHUNK = 2000


def score(values: dict, rules: list[tuple[str, float]]) -> float:
	"""Weighted share (0-100, one decimal) of the rules' fields that have a value."""
	total = sum(weight for _, weight in rules if weight > 0)
	if not total:
		return 100.0
	filled = sum(weight for fieldname, weight in rules if weight > 0 and is_filled(values.get(fieldname)))
	return round(100.0 * filled / total, 1)


def is_filled(value) -> bool:
	"""A value counts when it is there: not None, not blank text, not an unticked check or zero."""
	if isinstance(value, str):
		return bool(value.strip())
	return value not in (None, 0)


def get_rules() -> list[tuple[str, float]]:
	"""(fieldname, weight) for each data point in the settings that Customer still has."""
	meta = frappe.get_meta(CUSTOMER)
	return [
		(row.fieldname, float(row.weight or 0))
		for row in frappe.get_cached_doc(SETTINGS).get("completeness_rules") or []
		if meta.has_field(row.fieldname)
	]


def set_score(doc) -> None:
	"""Customer.validate: the score of the values being saved."""
	doc.set(FIELD, score(doc.as_dict(), get_rules()))


def refresh(customer: str) -> float | None:
	"""Recompute one saved customer's score from the database (after its contacts or addresses
	changed). Writes only when the figure changed and leaves `modified` alone."""
	rules = get_rules()
	values = frappe.db.get_value(
		CUSTOMER, customer, [fieldname for fieldname, _weight in rules] + [FIELD], as_dict=True
	)
	if not values:
		return None
	figure = score(values, rules)
	if values.get(FIELD) != figure:
		frappe.db.set_value(CUSTOMER, customer, FIELD, figure, update_modified=False)
	return figure


def validate_rules(settings) -> None:
	"""Customer Lifecycle Settings.validate: each data point names a real Customer field, once."""
	meta = frappe.get_meta(CUSTOMER)
	seen = set()
	for row in settings.get("completeness_rules") or []:
		row.fieldname = (row.fieldname or "").strip()
		df = meta.get_field(row.fieldname)
		if not df or df.fieldtype in no_value_fields:
			frappe.throw(
				_("Completeness, row {0}: {1} is not a field of {2}.").format(
					row.idx, frappe.bold(row.fieldname), _(CUSTOMER)
				),
				title=_("Unknown Field"),
			)
		if row.fieldname in seen:
			frappe.throw(
				_("Completeness, row {0}: {1} is listed twice.").format(row.idx, frappe.bold(row.fieldname)),
				title=_("Duplicate Data Point"),
			)
		seen.add(row.fieldname)
		row.label = df.label


def on_settings_update(settings) -> None:
	"""When the data points or weights change, recompute every customer in the background."""
	before = settings.get_doc_before_save()
	if before and rules_of(before) == rules_of(settings):
		return
	frappe.enqueue(
		recompute_all,
		queue="long",
		job_id=JOB_ID,
		deduplicate=True,
		enqueue_after_commit=True,
		timeout=3600,
	)
	frappe.msgprint(
		_("Completeness is being recomputed for every {0} in the background.").format(_(CUSTOMER)), alert=True
	)


def rules_of(settings) -> list[tuple[str, float]]:
	return [(row.fieldname, float(row.weight or 0)) for row in settings.get("completeness_rules") or []]


def recompute_all(commit: bool = True) -> int:
	"""Background job: recompute every customer's score, in chunks, publishing progress.

	Reads each chunk with one query and writes only the rows whose score changed, one UPDATE per
	chunk, committed chunk by chunk (`commit=False` leaves that to the caller). The job runs as the
	user who changed the settings; progress and the result go to them. Returns how many changed."""
	rules = get_rules()
	total = frappe.db.count(CUSTOMER)
	done = changed = 0
	title = _("Recomputing completeness")
	for rows in chunks(CUSTOMER, [FIELD] + [fieldname for fieldname, _weight in rules], CHUNK):
		updates = {}
		for row in rows:
			figure = score(row, rules)
			if row.get(FIELD) != figure:
				updates[row.name] = figure
		set_column(CUSTOMER, FIELD, updates)
		changed += len(updates)
		done += len(rows)
		if commit:
			frappe.db.commit()
		frappe.publish_progress(
			min(100, done * 100 / max(total, 1)), title=title, description=f"{done} / {total}"
		)
	frappe.publish_realtime(
		"msgprint",
		_("Completeness recomputed: {0} of {1} customers changed.").format(changed, done),
		user=frappe.session.user,
	)
	return changed
