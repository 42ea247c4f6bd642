// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

// The time list: running, not billable, billed or unbilled at a glance. The saved filter "My Time"
// (billing/setup.py) names the user "__user", Frappe's word for the session user in a default: the
// list puts the session user in its place, for saved filters hold fixed values.

const SESSION_USER = "__user";

frappe.listview_settings["Time Entry"] = {
	add_fields: ["invoice", "billable", "timer_started_at", "currency"],
	get_indicator(doc) {
		if (doc.timer_started_at) return [__("Running"), "orange", "timer_started_at,is,set"];
		if (!doc.billable) return [__("Not Billable"), "gray", "billable,=,0"];
		if (doc.invoice) return [__("Billed"), "green", "invoice,is,set"];
		return [__("Unbilled"), "blue", "invoice,is,not set"];
	},
	onload(listview) {
		const area = listview.filter_area;
		for (const method of ["add", "remove_filters"]) {
			const original = area[method].bind(area);
			area[method] = (filters, ...rest) => original(for_session_user(filters), ...rest);
		}
	},
};

function for_session_user(filters) {
	if (!Array.isArray(filters)) return filters;
	if (typeof filters[0] === "string") return for_session_user([filters])[0];
	return filters.map((f) =>
		Array.isArray(f) && f[3] === SESSION_USER ? [...f.slice(0, 3), frappe.session.user, ...f.slice(4)] : f
	);
}
