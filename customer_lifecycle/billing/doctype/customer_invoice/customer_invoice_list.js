// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

const INVOICE_COLOURS = {
	Draft: "red",
	Unpaid: "orange",
	"Partly Paid": "yellow",
	Paid: "green",
	Overdue: "red",
	Cancelled: "gray",
};

frappe.listview_settings["Customer Invoice"] = {
	add_fields: ["status", "outstanding_amount"],
	has_indicator_for_draft: true,
	get_indicator(doc) {
		return [__(doc.status), INVOICE_COLOURS[doc.status] || "gray", `status,=,${doc.status}`];
	},
	onload(listview) {
		listview.page.add_actions_menu_item(
			__("Send Payment Reminders"),
			() => {
				const names = listview.get_checked_items(true);
				if (!names.length) return;
				send_invoice_reminders(names);
			},
			false
		);
	},
};

function send_invoice_reminders(names) {
	frappe
		.xcall("customer_lifecycle.api.billing.send_payment_reminders", { invoices: names })
		.then((r) => {
			const message = r.queued
				? __("Sending {0} payment reminders in the background", [r.count])
				: __("{0} reminder(s) sent, {1} skipped", [r.sent.length, r.skipped.length]);
			frappe.show_alert({ message, indicator: "green" });
		});
}
