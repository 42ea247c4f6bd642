// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

// Only the author or a Customer Manager changes a note: for anyone else the form is read-only.
frappe.ui.form.on("Customer Note", {
	refresh(frm) {
		if (!frm.is_new() && frm.doc.__onload && !frm.doc.__onload.can_change) {
			frm.disable_form();
		}
	},
});
