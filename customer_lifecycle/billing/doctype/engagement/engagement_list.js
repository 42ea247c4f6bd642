// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

const ENGAGEMENT_COLOURS = {
	Open: "blue",
	"In Progress": "orange",
	"On Hold": "gray",
	Delivered: "green",
	Cancelled: "red",
};

frappe.listview_settings["Engagement"] = {
	add_fields: ["status", "customer_name", "due_date"],
	get_indicator(doc) {
		return [__(doc.status), ENGAGEMENT_COLOURS[doc.status] || "gray", `status,=,${doc.status}`];
	},
	onload(listview) {
		for (const delivered of [true, false]) {
			listview.page.add_actions_menu_item(
				delivered ? __("Mark as Delivered") : __("Mark as Undelivered"),
				() => {
					const names = listview.get_checked_items(true);
					if (!names.length) return;
					frappe.xcall(
						`customer_lifecycle.api.billing.${delivered ? "mark_delivered" : "mark_undelivered"}`,
						{ names }
					).then((changed) => {
						frappe.show_alert({
							message: __("{0} of {1} engagement(s) changed", [changed.length, names.length]),
							indicator: "green",
						});
						listview.clear_checked_items();
						listview.refresh();
					});
				},
				false
			);
		}
	},
};
