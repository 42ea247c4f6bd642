"""Who counts as a manager of customers: the one check every rule that asks it uses."""

import frappe

from customer_lifecycle.utils.doctypes import MANAGER_ROLE

# Customer Managers, and System Managers, who may do everything on a site
MANAGER_ROLES = frozenset({MANAGER_ROLE, "System Manager"})


def is_manager(user: str | None = None) -> bool:
	return bool(MANAGER_ROLES & set(frappe.get_roles(user)))
