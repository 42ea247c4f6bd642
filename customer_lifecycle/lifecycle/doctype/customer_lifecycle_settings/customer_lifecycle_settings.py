# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

import frappe
from frappe import _
from frappe.model.document import Document

from customer_lifecycle.analytics import segments
from customer_lifecycle.customers import completeness, terminology
from customer_lifecycle.lifecycle.engine import get_workflow
from customer_lifecycle.onboarding import requests

STATE_FIELDS = (
	"onboarding_state",
	"onboarding_complete_state",
	"active_state",
	"dormant_state",
	"anonymized_state",
)


class CustomerLifecycleSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from customer_lifecycle.customers.doctype.customer_completeness_rule.customer_completeness_rule import (
			CustomerCompletenessRule,
		)
		from customer_lifecycle.lifecycle.doctype.customer_lifecycle_billable_state.customer_lifecycle_billable_state import (
			CustomerLifecycleBillableState,
		)

		active_state: DF.Link
		anonymized_state: DF.Link
		billable_states: DF.TableMultiSelect[CustomerLifecycleBillableState]
		completeness_rules: DF.Table[CustomerCompletenessRule]
		customer_term: DF.Data | None
		customer_term_plural: DF.Data | None
		dormant_after_days: DF.Int
		dormant_state: DF.Link
		inactive_after_days: DF.Int
		log_emails_as_notes: DF.Check
		new_customer_days: DF.Int
		onboarding_complete_state: DF.Link
		onboarding_state: DF.Link
		request_link_days: DF.Int
		request_reminder_days_after: DF.Data | None
		request_reminder_days_before: DF.Data | None
		revenue_high_percentile: DF.Percent
		revenue_high_threshold: DF.Currency
		revenue_low_percentile: DF.Percent
		revenue_low_threshold: DF.Currency
		revenue_months: DF.Int
		revenue_segment_basis: DF.Literal["Percentiles", "Thresholds"]
	# end: auto-generated types

	def validate(self):
		self.validate_states_in_workflow()
		completeness.validate_rules(self)
		terminology.validate_terms(self)
		segments.validate_settings(self)
		requests.validate_settings(self)

	def on_update(self):
		completeness.on_settings_update(self)
		terminology.apply_terms(self)

	def validate_states_in_workflow(self):
		workflow = get_workflow()
		if not workflow:
			return
		states = {s.state for s in workflow.states}
		for fieldname in STATE_FIELDS:
			value = self.get(fieldname)
			if value and value not in states:
				frappe.throw(
					_("{0}: {1} is not a state of the workflow {2}.").format(
						frappe.bold(_(self.meta.get_label(fieldname))),
						frappe.bold(value),
						frappe.bold(workflow.name),
					),
					title=_("Unknown State"),
				)
