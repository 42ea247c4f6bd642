// The filters the customer reports share, defined once: each report lists the ones it
// takes, by name, e.g. customer_lifecycle.report_filters("period", "customer", "customer_type").

frappe.provide("customer_lifecycle");

const REPORT_FILTERS = {
	period: () => [
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
	],
	top: () => [{ fieldname: "top", label: __("Top"), fieldtype: "Int", default: 10, reqd: 1 }],
	customer: () => [{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "Customer" }],
	customer_category: () => [
		{
			fieldname: "customer_category",
			label: __("Customer Category"),
			fieldtype: "Link",
			options: "Customer Category",
		},
	],
	customer_type: () => [
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
	],
	// amounts of one currency at a time (the site's default: the firm's)
	currency: () => [
		{
			fieldname: "currency",
			label: __("Currency"),
			fieldtype: "Link",
			options: "Currency",
			default: frappe.boot.sysdefaults.currency,
		},
	],
	lifecycle_status: () => [
		{ fieldname: "lifecycle_status", label: __("Lifecycle"), fieldtype: "Link", options: "Workflow State" },
	],
};

customer_lifecycle.report_filters = (...names) => names.flatMap((name) => REPORT_FILTERS[name]());
