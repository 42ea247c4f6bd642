// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

frappe.query_reports["Customer Lifetime Value"] = {
	filters: customer_lifecycle.report_filters("customer", "customer_category", "customer_type", "lifecycle_status"),
};
