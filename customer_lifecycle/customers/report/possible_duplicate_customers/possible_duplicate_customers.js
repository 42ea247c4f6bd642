// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

frappe.query_reports["Possible Duplicate Customers"] = {
	filters: [
		{
			fieldname: "min_score",
			label: __("Minimum Score"),
			fieldtype: "Int",
			default: 60,
			description: __("A similar name alone scores at most 50; a shared phone 70; a shared email or ID number 100."),
		},
		{
			fieldname: "customer",
			label: __("Customer"),
			fieldtype: "Link",
			options: "Customer",
		},
		{
			fieldname: "include_archived",
			label: __("Include Archived"),
			fieldtype: "Check",
			default: 1,
		},
	],
};
