// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

frappe.ui.form.on("Customer Import", {
	setup(frm) {
		// the job says when it has finished; its progress comes as Frappe's "progress" events
		frappe.realtime.on("customer_import_refresh", (data) => {
			if (data && data.name === frm.doc.name) {
				frappe.hide_progress();
				frm.reload_doc();
			}
		});
		// the saved mappings offered are those made for files with the same columns
		frm.set_query("mapping", () => ({ filters: { header_key: frm.doc.header_key || "" } }));
	},

	refresh(frm) {
		frm.set_intro("");
		if (frm.is_new()) {
			frm.set_intro(
				__(
					"Attach a CSV or Excel file of customers and save: its columns are listed with what each is imported as."
				),
				"blue"
			);
			return;
		}
		// a run whose worker died: the watchdog marks it Failed within a minute; it may run again now
		const stopped = frm.doc.__onload && frm.doc.__onload.stopped;
		const running = ["Queued", "Running"].includes(frm.doc.status) && !stopped;
		if (stopped) {
			frm.set_intro(
				__("This import has stopped: {0}. Press Import Again to add the rest (nothing is created twice).", [
					frappe.utils.escape_html(stopped),
				]),
				"red"
			);
		}
		customer_lifecycle.customer_import.set_columns_editable(frm, !running);
		if (running) {
			frm.dashboard.show_progress(
				__("Import"),
				frm.doc.progress || 0,
				__("{0} of {1} rows", [
					(frm.doc.inserted || 0) + (frm.doc.duplicates || 0) + (frm.doc.rejected || 0),
					frm.doc.total_rows || "?",
				])
			);
		} else if (!frm.is_dirty()) {
			const label = frm.doc.status === "Pending" ? __("Start Import") : __("Import Again");
			frm.add_custom_button(label, () => customer_lifecycle.customer_import.start(frm)).addClass(
				"btn-primary"
			);
			if ((frm.doc.columns || []).length) {
				frm.add_custom_button(__("Save Mapping"), () =>
					customer_lifecycle.customer_import.save_mapping(frm)
				);
			}
		}
		if (frm.doc.error_file) {
			frm.add_custom_button(__("Download Error File"), () => window.open(frm.doc.error_file));
		}
		if (frm.doc.message && !stopped) {
			frm.set_intro(
				frappe.utils.escape_html(frm.doc.message),
				frm.doc.status === "Failed" ? "red" : "blue"
			);
		} else if (frm.doc.status === "Pending" && (frm.doc.columns || []).length) {
			frm.set_intro(
				__("Check what each column is imported as (correct it and save), then press Start Import."),
				"blue"
			);
		}
	},

	mapping(frm) {
		if (frm.doc.mapping) {
			customer_lifecycle.customer_import.apply_mapping(frm, frm.doc.mapping);
		}
	},
});

frappe.provide("customer_lifecycle.customer_import");

customer_lifecycle.customer_import.set_columns_editable = function (frm, editable) {
	customer_lifecycle.import_columns.fixed_rows(frm, "columns");
	frm.set_df_property("columns", "read_only", editable ? 0 : 1);
	frm.set_df_property("mapping", "read_only", editable ? 0 : 1);
};

// a column title as titles are compared (importer/mapping.py normal_title): case, punctuation and
// spacing aside
customer_lifecycle.customer_import.title_key = function (title) {
	return (title || "")
		.toLowerCase()
		.replace(/[^\p{L}\p{N}]+/gu, " ")
		.trim();
};

customer_lifecycle.customer_import.apply_mapping = function (frm, mapping_name) {
	const key = customer_lifecycle.customer_import.title_key;
	frappe.db.get_doc("Customer Import Mapping", mapping_name).then((mapping) => {
		const fields = {};
		(mapping.columns || []).forEach((row) => (fields[key(row.column)] = row.field || ""));
		(frm.doc.columns || []).forEach((row) => {
			frappe.model.set_value(row.doctype, row.name, "field", fields[key(row.column)] || "");
		});
	});
};

customer_lifecycle.customer_import.start = function (frm) {
	frappe
		.xcall("customer_lifecycle.customers.doctype.customer_import.customer_import.start_import", {
			name: frm.doc.name,
		})
		.then(() => {
			frappe.show_alert({ message: __("Import queued"), indicator: "blue" });
			frm.reload_doc();
		});
};

customer_lifecycle.customer_import.save_mapping = function (frm) {
	frappe.prompt(
		[
			{
				fieldname: "mapping_name",
				fieldtype: "Data",
				label: __("Mapping Name"),
				reqd: 1,
				default: frm.doc.mapping || "",
				description: __(
					"Offered again for the next file with the same columns. A mapping of this name is updated."
				),
			},
		],
		(values) =>
			frappe
				.xcall("customer_lifecycle.customers.doctype.customer_import.customer_import.save_mapping", {
					name: frm.doc.name,
					mapping_name: values.mapping_name,
				})
				.then(() => {
					frappe.show_alert({
						message: __("Mapping {0} saved", [frappe.utils.escape_html(values.mapping_name)]),
						indicator: "green",
					});
					frm.reload_doc();
				}),
		__("Save Mapping"),
		__("Save")
	);
};
