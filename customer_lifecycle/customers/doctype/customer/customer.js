// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

frappe.ui.form.on("Customer", {
	refresh(frm) {
		if (frm.is_new()) return;
		customer_lifecycle.customer_form.add_archive_button(frm);
		if (frm.doc.archived) {
			frm.dashboard.set_headline_alert(
				__("This {0} is archived: it is hidden from the default list.", [__("Customer")]),
				"orange"
			);
		}
	},

	after_workflow_action(frm) {
		// reload so the timeline shows the recorded change
		frm.reload_doc();
	},

	before_workflow_action(frm) {
		// Frappe froze the screen before this event; ask for an optional reason first.
		return customer_lifecycle.customer_form.ask_reason(frm);
	},
});

frappe.provide("customer_lifecycle.customer_form");

customer_lifecycle.customer_form.add_archive_button = function (frm) {
	const archived = frm.doc.archived;
	frm.add_custom_button(archived ? __("Restore") : __("Archive"), () => {
		const go = () =>
			frappe
				.xcall("customer_lifecycle.api.customer.set_archived", {
					customer: frm.doc.name,
					archived: archived ? 0 : 1,
				})
				.then(() => frm.reload_doc());
		if (archived) {
			go();
		} else {
			frappe.confirm(
				__("Archive {0}? It stays as it is, but leaves the default list.", [
					frappe.utils.escape_html(frm.doc.customer_name),
				]),
				go
			);
		}
	});
};

customer_lifecycle.customer_form.ask_reason = function (frm) {
	const action = frm.selected_workflow_action;
	frappe.dom.unfreeze();
	return new Promise((resolve, reject) => {
		let chosen = false;
		const dialog = new frappe.ui.Dialog({
			title: __(action),
			fields: [
				{
					fieldname: "reason",
					fieldtype: "Small Text",
					label: __("Reason (optional)"),
				},
			],
			primary_action_label: __(action),
			primary_action(values) {
				frm.doc._lifecycle_reason = values.reason || null;
				chosen = true;
				dialog.hide();
				frappe.dom.freeze();
				resolve();
			},
		});
		dialog.onhide = () => {
			if (!chosen) reject();
		};
		dialog.show();
	});
};
