// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

frappe.query_reports["Lifecycle Funnel"] = {
	filters: customer_lifecycle.report_filters("period", "customer_category", "customer_type"),
};
