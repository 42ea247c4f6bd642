// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

// Active flags in the colour of their severity (as on the customer form and list); resolved, green.
frappe.listview_settings["Customer Flag"] = {
	add_fields: ["status", "severity"],
	get_indicator(doc) {
		if (doc.status === "Resolved") {
			return [__("Resolved"), "green", "status,=,Resolved"];
		}
		const colour = { High: "red", Medium: "orange", Low: "yellow" }[doc.severity] || "orange";
		return [__("{0} · Active", [__(doc.severity)]), colour, `severity,=,${doc.severity}`];
	},
};
