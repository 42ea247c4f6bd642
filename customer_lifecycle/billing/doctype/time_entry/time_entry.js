// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

// The Time Entry form: the rate in force and what the entry is worth, shown as the engagement,
// activity, user, hours or billable tick change (the server sets them again on save); a billed entry
// is read only; a running timer can be stopped here.

frappe.ui.form.on("Time Entry", {
	setup(frm) {
		frm.set_query("activity", () => ({ filters: { disabled: 0 } }));
		frm.set_query("engagement", () => ({ filters: { status: ["!=", "Cancelled"] } }));
	},
	refresh(frm) {
		if (frm.doc.invoice) {
			frm.set_intro(
				__("Billed by {0}: it cannot change until that invoice is cancelled, or deleted while a draft.", [
					`<a href="/app/customer-invoice/${encodeURIComponent(frm.doc.invoice)}">${frappe.utils.escape_html(frm.doc.invoice)}</a>`,
				]),
				"blue"
			);
			frm.disable_form();
		} else if (frm.doc.timer_started_at && !frm.is_new()) {
			frm.set_intro(
				__("Timer running since {0}: stop it, or type the hours worked and save.", [
					frappe.datetime.str_to_user(frm.doc.timer_started_at),
				]),
				"orange"
			);
			frm.add_custom_button(__("Stop Timer"), () =>
				frappe
					.xcall("customer_lifecycle.api.time_entries.stop_timer", { entry: frm.doc.name })
					.then(() => frm.reload_doc())
			);
		}
	},
	engagement: show_value,
	activity: show_value,
	user: show_value,
	hours: show_value,
	billable: show_value,
});

function show_value(frm) {
	if (!frm.doc.engagement || frm.doc.invoice) return;
	frappe
		.call({
			method: "customer_lifecycle.api.time_entries.rate_in_force",
			type: "GET",
			args: {
				engagement: frm.doc.engagement,
				activity: frm.doc.activity || null,
				user: frm.doc.user || null,
				hours: frm.doc.hours || 0,
			},
		})
		.then(({ message: found }) => {
			const billable = frm.doc.billable;
			frm.set_value({
				currency: found.currency,
				rate: billable ? found.rate : 0,
				rate_source: billable ? found.source : null,
				amount: billable ? found.amount : 0,
			});
		});
}
