// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

frappe.query_reports["At-Risk Customers"] = {
	filters: [
		{
			fieldname: "reason",
			label: __("Reason"),
			fieldtype: "Select",
			options: [
				{ value: "", label: __("Any") },
				{ value: "Low activity", label: __("Low activity") },
				{ value: "Late payments", label: __("Late payments") },
				{ value: "Revenue falling", label: __("Revenue falling") },
				{ value: "No recent invoices", label: __("No recent invoices") },
			],
		},
		{
			fieldname: "lifecycle_status",
			label: __("Lifecycle Status"),
			fieldtype: "Link",
			options: "Workflow State",
			description: __("Blank: the billable states"),
		},
		...customer_lifecycle.report_filters("customer_category", "currency"),
		{
			fieldname: "revenue_drop_percent",
			label: __("Revenue Drop %"),
			fieldtype: "Percent",
			default: 25,
		},
		{
			fieldname: "no_invoice_days",
			label: __("No Invoice For (Days)"),
			fieldtype: "Int",
			default: 90,
		},
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "reasons" && data && data.reasons) {
			value = `<span class="text-danger">${value}</span>`;
		}
		return value;
	},
};
