// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

frappe.listview_settings["Customer"] = {
	add_fields: ["lifecycle_status", "archived", "customer_type"],
	// archived customers are kept but leave the default list; clear the filter to see them
	filters: [["archived", "=", 0]],
	hide_name_column: true,
};
