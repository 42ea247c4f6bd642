// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

frappe.ui.form.on("Customer Invoice", {
	setup(frm) {
		frm.set_query("engagement", () => ({ filters: { customer: frm.doc.customer } }));
	},
	refresh(frm) {
		if (frm.doc.docstatus === 1 && frm.doc.outstanding_amount > 0) {
			if (frappe.model.can_create("Customer Payment")) {
				frm.add_custom_button(__("Record Payment"), () =>
					frappe.new_doc("Customer Payment", {
						customer: frm.doc.customer,
						amount: frm.doc.outstanding_amount,
					})
				);
			}
			if (frm.doc.status === "Overdue") {
				frm.add_custom_button(__("Send Payment Reminder"), () =>
					customer_lifecycle.invoices.send_reminders([frm.doc.name])
				);
			}
		}
	},
	customer(frm) {
		if (frm.doc.engagement) frm.set_value("engagement", null);
	},
});

frappe.ui.form.on("Customer Invoice Item", {
	item_code(frm, cdt, cdn) {
		const row = locals[cdt][cdn];
		if (!row.item_code || !frm.doc.customer) return;
		frappe
			.xcall(
				"customer_lifecycle.api.billing.item_rate",
				{ customer: frm.doc.customer, item_code: row.item_code },
				"GET"
			)
			.then((rate) => {
				if (!rate) return;
				frappe.model.set_value(cdt, cdn, "rate", rate.rate);
				if (!row.description) frappe.model.set_value(cdt, cdn, "description", rate.description || row.item_code);
			});
	},
	qty: set_amount,
	rate: set_amount,
});

function set_amount(frm, cdt, cdn) {
	const row = locals[cdt][cdn];
	frappe.model.set_value(cdt, cdn, "amount", flt(row.qty) * flt(row.rate));
	frm.set_value(
		"total",
		(frm.doc.items || []).reduce((sum, r) => sum + flt(r.amount), 0)
	);
}

frappe.provide("customer_lifecycle.invoices");

// send payment reminders for invoices by name and say what happened
customer_lifecycle.invoices.send_reminders = function (names) {
	return frappe
		.xcall("customer_lifecycle.api.billing.send_payment_reminders", { invoices: names })
		.then((r) => {
			if (r.queued) {
				frappe.show_alert({
					message: __("Sending {0} payment reminders in the background", [r.count]),
					indicator: "blue",
				});
				return r;
			}
			const skipped = r.skipped.map(
				(s) => `<li>${frappe.utils.escape_html(s.invoice)}: ${frappe.utils.escape_html(s.reason)}</li>`
			);
			frappe.msgprint({
				title: __("Payment Reminders"),
				message:
					`<p>${__("{0} reminder(s) sent.", [r.sent.length])}</p>` +
					(skipped.length ? `<p>${__("Skipped:")}</p><ul>${skipped.join("")}</ul>` : ""),
				indicator: r.sent.length ? "green" : "orange",
			});
			return r;
		});
};
