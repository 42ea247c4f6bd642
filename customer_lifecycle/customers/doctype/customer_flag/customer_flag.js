// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

// An active flag's form offers Resolve, which asks for the note (as the customer form does).
frappe.ui.form.on("Customer Flag", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.status !== "Active" || !frm.perm[0]?.write) return;
		frm.add_custom_button(__("Resolve"), () => {
			frappe.prompt(
				{
					fieldname: "note",
					fieldtype: "Small Text",
					label: __("Resolution Note"),
					reqd: 1,
				},
				(values) =>
					frappe
						.xcall("customer_lifecycle.api.notes.resolve_flag", {
							flag: frm.doc.name,
							note: values.note,
						})
						.then(() => frm.reload_doc()),
				__("Resolve Flag"),
				__("Resolve")
			);
		});
	},
});
