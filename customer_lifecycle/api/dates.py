"""Important dates: the birthdays and anniversaries that come round soon (the workspace's block)."""

import frappe
from frappe import _

from customer_lifecycle.customers import date_rules, dates
from customer_lifecycle.utils.doctypes import CUSTOMER


@frappe.whitelist(methods=["GET"])
def upcoming(days: int = date_rules.UPCOMING_DAYS, limit: int = 20) -> dict:
	"""{rows: the first `limit` birthdays and anniversaries of the next `days` days, soonest first,
	of the customers the user may read; total: how many there are}."""
	frappe.has_permission(CUSTOMER, "read", throw=True)
	days, limit = int(days), int(limit)
	if not 1 <= days <= 366:
		frappe.throw(_("{0} must be between 1 and 366.").format(frappe.bold(_("Days"))))
	if not 1 <= limit <= 500:
		frappe.throw(_("{0} must be between 1 and 500.").format(frappe.bold(_("Limit"))))
	rows = dates.upcoming(days=days)
	return {"rows": rows[:limit], "total": len(rows)}
