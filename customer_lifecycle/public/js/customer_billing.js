// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

// Billing on the Customer form: a "Billing" button group (New Engagement, New Invoice, Record
// Payment, Receivables). The balance shows in the Customer 360 header (customer_360.js), which is
// reloaded after a payment.

frappe.provide("customer_lifecycle.billing");

const BILLING_API = "customer_lifecycle.api.billing";

frappe.ui.form.on("Customer", {
	refresh(frm) {
		if (frm.is_new()) return;
		const group = __("Billing");
		if (frappe.model.can_create("Engagement")) {
			frm.add_custom_button(__("New Engagement"), () => new_linked(frm, "Engagement"), group);
		}
		if (frappe.model.can_create("Customer Invoice")) {
			frm.add_custom_button(__("New Invoice"), () => new_linked(frm, "Customer Invoice"), group);
		}
		if (frappe.model.can_submit("Customer Payment")) {
			frm.add_custom_button(
				__("Record Payment"),
				() => customer_lifecycle.billing.payment_dialog(frm),
				group
			);
		}
		// one customer's aging runs live (milliseconds), not as the Prepared Report of all customers
		frm.add_custom_button(
			__("Receivables"),
			() =>
				frappe.set_route("query-report", "Receivables Aging", {
					customer: frm.doc.name,
					ignore_prepared_report: 1,
				}),
			group
		);
	},
});

function new_linked(frm, doctype) {
	frappe.new_doc(doctype, { customer: frm.doc.name });
}

// Record a payment from the customer form: paid to the oldest invoices first, or to one invoice (from
// its row on the Invoices tab), or held as a retainer deposit; amounts in the customer's currency.
customer_lifecycle.billing.payment_dialog = function (frm, invoice) {
	const dialog = new frappe.ui.Dialog({
		title: invoice
			? __("Record Payment for {0}", [invoice.name])
			: __("Record Payment from {0}", [frm.doc.customer_name]),
		fields: [
			{ fieldname: "currency", fieldtype: "Link", options: "Currency", hidden: 1, default: frm.doc.currency },
			{
				fieldname: "amount",
				fieldtype: "Currency",
				options: "currency",
				label: __("Amount"),
				reqd: 1,
				default: invoice ? invoice.outstanding_amount : undefined,
			},
			{
				fieldname: "method",
				fieldtype: "Select",
				label: __("Method"),
				options: ["Cash", "Bank Transfer", "Card", "Mobile Money", "Other"].map((value) => ({
					value,
					label: __(value),
				})),
				default: frm.doc.preferred_payment_method || "Cash",
				reqd: 1,
			},
			{
				fieldname: "is_retainer_deposit",
				fieldtype: "Check",
				label: __("Retainer Deposit"),
				description: __("Held in advance for future invoices; it pays no invoice now."),
				hidden: invoice ? 1 : 0,
			},
			{ fieldname: "column_break", fieldtype: "Column Break" },
			{
				fieldname: "posting_date",
				fieldtype: "Date",
				label: __("Payment Date"),
				default: frappe.datetime.get_today(),
				reqd: 1,
			},
			{ fieldname: "reference", fieldtype: "Data", label: __("Reference") },
			{ fieldname: "section_notes", fieldtype: "Section Break" },
			{ fieldname: "notes", fieldtype: "Small Text", label: __("Notes") },
			customer_lifecycle.dialogs.help_field(
				invoice
					? __("The payment pays invoice {0}.", [frappe.utils.escape_html(invoice.name)])
					: __("The payment pays the customer's invoices oldest due first.")
			),
		],
		primary_action_label: __("Record"),
		primary_action(values) {
			dialog.disable_primary_action();
			const args = { customer: frm.doc.name, ...values, invoice: invoice ? invoice.name : null };
			delete args.currency;
			frappe
				.xcall(`${BILLING_API}.record_payment`, args)
				.then((r) => {
					dialog.hide();
					frappe.show_alert({
						message: __("Payment {0} recorded; balance {1}", [r.name, format_currency(r.balance, r.currency)]),
						indicator: "green",
					});
					frm.reload_doc();
				})
				.finally(() => dialog.enable_primary_action());
		},
	});
	dialog.show();
};
