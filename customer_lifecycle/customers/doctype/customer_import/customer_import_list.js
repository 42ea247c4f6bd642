// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

frappe.listview_settings["Customer Import"] = {
	get_indicator(doc) {
		const colours = {
			Pending: "gray",
			Queued: "orange",
			Running: "blue",
			Completed: "green",
			"Completed with Errors": "yellow",
			Failed: "red",
		};
		return [__(doc.status), colours[doc.status] || "gray", "status,=," + doc.status];
	},
};
