// Data rights on the Customer form.
// - The workflow action that anonymizes a customer asks for the customer's name to be typed, then
//   anonymizes through the app's API (which removes the personal data); the desk's own workflow
//   call is never made for it (the server refuses that move without the confirmation anyway).
// - "Archive instead", offered by the error shown when a customer with records cannot be deleted.

frappe.provide("customer_lifecycle.privacy");

frappe.ui.form.on("Customer", {
	before_workflow_action(frm) {
		const action = frm.selected_workflow_action;
		return frappe
			.call({
				method: "customer_lifecycle.api.privacy.anonymize_action",
				type: "GET",
				args: { customer: frm.doc.name },
			})
			.then((r) => {
				if (r.message && r.message === action) {
					return customer_lifecycle.privacy.confirm_anonymize(frm, action);
				}
			});
	},
});

customer_lifecycle.privacy.confirm_anonymize = function (frm, action) {
	// Frappe froze the screen before this event. The returned promise never resolves: the action is
	// applied here, so the desk's own workflow call must not follow.
	frappe.dom.unfreeze();
	const name = frm.doc.customer_name;
	return new Promise((_resolve, reject) => {
		const dialog = new frappe.ui.Dialog({
			title: __("{0}: {1}", [__(action), frappe.utils.escape_html(name)]),
			fields: [
				{
					fieldtype: "HTML",
					fieldname: "warning",
					options: `<p class="text-danger">${__(
						"This removes the customer's personal data for good: its name, email, phone, ID number, contacts, addresses, notes, flags, emails, files, comments and history. Invoice and payment amounts and dates are kept. It cannot be undone."
					)}</p>`,
				},
				{
					fieldtype: "Data",
					fieldname: "confirm_name",
					label: __("Type {0} to confirm", [frappe.utils.escape_html(name)]),
					reqd: 1,
				},
			],
			primary_action_label: __(action),
			primary_action(values) {
				frappe
					.xcall("customer_lifecycle.api.privacy.anonymize", {
						customer: frm.doc.name,
						confirm_name: values.confirm_name,
					})
					.then(() => {
						dialog.hide();
						frappe.show_alert({ message: __("Personal data removed"), indicator: "green" });
						frm.reload_doc();
					});
			},
		});
		dialog.get_primary_btn().removeClass("btn-primary").addClass("btn-danger");
		dialog.onhide = () => reject();
		customer_lifecycle.dialogs.make_accessible(dialog);
		dialog.show();
	});
};

customer_lifecycle.privacy.archive = function (args) {
	frappe
		.xcall("customer_lifecycle.api.customer.set_archived", { customer: args.customer, archived: 1 })
		.then(() => {
			frappe.hide_msgprint();
			frappe.show_alert({ message: __("{0} archived", [args.customer]), indicator: "green" });
			if (cur_frm && cur_frm.doctype === "Customer" && cur_frm.doc.name === args.customer) {
				cur_frm.reload_doc();
			} else if (cur_list && cur_list.doctype === "Customer") {
				cur_list.refresh();
			}
		});
};
