// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

frappe.ui.form.on("Customer Import Mapping", {
	setup(frm) {
		// a mapping keeps what each column is imported as, not the values of the file it was made from
		frm.fields_dict.columns.grid.update_docfield_property("sample", "in_list_view", 0);
	},

	refresh(frm) {
		// its rows are a file's columns (they make its header key): changed, never added or removed
		customer_lifecycle.import_columns.fixed_rows(frm, "columns");
	},
});
