// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

frappe.query_reports["Customer Payments"] = {
	filters: customer_lifecycle.report_filters("period", "customer", "customer_category", "customer_type", "lifecycle_status", "currency"),
};
