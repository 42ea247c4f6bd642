// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

frappe.ui.form.on("Engagement", {
	setup(frm) {
		frm.set_query("customer", () => ({ filters: { archived: 0 } }));
	},
	refresh(frm) {
		if (frm.is_new() || !frm.perm[0]?.write) return;
		const delivered = frm.doc.status === "Delivered";
		if (frm.doc.status !== "Cancelled") {
			frm.add_custom_button(delivered ? __("Mark as Undelivered") : __("Mark as Delivered"), () =>
				customer_lifecycle.engagements.set_delivered([frm.doc.name], !delivered).then(() => frm.reload_doc())
			);
		}
		if (frappe.model.can_create("Customer Invoice")) {
			frm.add_custom_button(__("New Invoice"), () =>
				frappe.new_doc("Customer Invoice", { customer: frm.doc.customer, engagement: frm.doc.name })
			);
		}
	},
});

frappe.provide("customer_lifecycle.engagements");

// deliver (or undeliver) engagements by name; resolves with the names that changed
customer_lifecycle.engagements.set_delivered = function (names, delivered) {
	const method = delivered ? "mark_delivered" : "mark_undelivered";
	return frappe.xcall(`customer_lifecycle.api.billing.${method}`, { names }).then((changed) => {
		frappe.show_alert({
			message: delivered
				? __("{0} engagement(s) marked as delivered", [changed.length])
				: __("{0} engagement(s) marked as undelivered", [changed.length]),
			indicator: "green",
		});
		return changed;
	});
};
