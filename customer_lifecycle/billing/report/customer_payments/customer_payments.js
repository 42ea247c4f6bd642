// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

frappe.query_reports["Customer Payments"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -12),
			reqd: 1,
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "Customer" },
		{
			fieldname: "customer_category",
			label: __("Customer Category"),
			fieldtype: "Link",
			options: "Customer Category",
		},
		{
			fieldname: "customer_type",
			label: __("Customer Type"),
			fieldtype: "Select",
			options: [
				{ value: "", label: "" },
				{ value: "Individual", label: __("Individual") },
				{ value: "Company", label: __("Company") },
				{ value: "Trust", label: __("Trust") },
			],
		},
		{
			fieldname: "lifecycle_status",
			label: __("Lifecycle"),
			fieldtype: "Link",
			options: "Workflow State",
		},
	],
};
