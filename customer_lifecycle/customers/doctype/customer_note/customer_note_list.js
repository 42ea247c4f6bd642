// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

// Customer-visible notes stand out from internal ones; pinned notes say so.
frappe.listview_settings["Customer Note"] = {
	add_fields: ["visibility", "pinned", "communication"],
	get_indicator(doc) {
		if (doc.visibility === "Customer-visible") {
			return [__("Customer-visible"), "green", "visibility,=,Customer-visible"];
		}
		if (doc.pinned) {
			return [__("Pinned"), "blue", "pinned,=,1"];
		}
		return [__("Internal"), "gray", "visibility,=,Internal"];
	},
};
