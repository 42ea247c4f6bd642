// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

frappe.query_reports["Receivables Aging"] = {
	filters: [
		{
			fieldname: "as_of",
			label: __("As Of"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
		{
			fieldname: "age_by",
			label: __("Age By"),
			fieldtype: "Select",
			options: [
				{ value: "Due Date", label: __("Due Date") },
				{ value: "Invoice Date", label: __("Invoice Date") },
			],
			default: "Due Date",
		},
		...customer_lifecycle.report_filters("customer", "customer_category", "currency"),
	],
};
