// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

// Desk code the Customer Import and Customer Import Mapping forms share: their Columns tables.

frappe.provide("customer_lifecycle.import_columns");

// a table whose rows are a file's columns: what each is imported as changes, no row is added or
// removed (Frappe shows the add buttons of any editable table, cannot_add_rows or not: hidden here)
customer_lifecycle.import_columns.fixed_rows = function (frm, fieldname) {
	frm.set_df_property(fieldname, "cannot_add_rows", true);
	frm.set_df_property(fieldname, "cannot_delete_rows", true);
	const grid = frm.fields_dict[fieldname].grid;
	if (!grid.cl_fixed_rows) {
		const setup_toolbar = grid.setup_toolbar.bind(grid);
		grid.setup_toolbar = () => {
			setup_toolbar();
			grid.wrapper.find(".grid-add-row, .grid-add-multiple-rows, .grid-upload").addClass("hidden");
		};
		grid.cl_fixed_rows = true;
	}
	grid.refresh();
};
