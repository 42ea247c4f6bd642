// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

frappe.ui.form.on("Customer Payment", {
	setup(frm) {
		frm.set_query("invoice", "allocations", () => ({
			filters: { customer: frm.doc.customer, docstatus: 1, outstanding_amount: [">", 0] },
		}));
	},
	refresh(frm) {
		if (frm.doc.docstatus === 0 && frm.doc.customer) {
			frm.add_custom_button(__("Allocate Oldest First"), () => {
				frm.set_value("allocate_oldest_first", 1);
				frm.save();
			});
		}
	},
});

frappe.ui.form.on("Customer Payment Allocation", {
	// editing a row by hand means the user chooses the allocation
	allocated_amount(frm) {
		if (frm.doc.allocate_oldest_first) frm.set_value("allocate_oldest_first", 0);
	},
	invoice(frm) {
		if (frm.doc.allocate_oldest_first) frm.set_value("allocate_oldest_first", 0);
	},
	allocations_remove(frm) {
		if (frm.doc.allocate_oldest_first) frm.set_value("allocate_oldest_first", 0);
	},
});
