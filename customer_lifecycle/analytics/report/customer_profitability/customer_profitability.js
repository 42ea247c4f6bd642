// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

frappe.query_reports["Customer Profitability"] = {
	filters: customer_lifecycle.report_filters("period", "currency", "customer_category", "lifecycle_status"),
};
