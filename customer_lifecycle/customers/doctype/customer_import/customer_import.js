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
	},

	refresh(frm) {
		frm.set_intro("");
		if (frm.is_new()) {
			frm.set_intro(
				__("Attach a CSV or Excel file of customers, save, then press Start Import."),
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
		}
		if (frm.doc.error_file) {
			frm.add_custom_button(__("Download Error File"), () => window.open(frm.doc.error_file));
		}
		if (frm.doc.message && !stopped) {
			frm.set_intro(frappe.utils.escape_html(frm.doc.message), frm.doc.status === "Failed" ? "red" : "blue");
		}
	},
});

frappe.provide("customer_lifecycle.customer_import");

customer_lifecycle.customer_import.start = function (frm) {
	frappe
		.xcall(
			"customer_lifecycle.customers.doctype.customer_import.customer_import.start_import",
			{ name: frm.doc.name }
		)
		.then(() => {
			frappe.show_alert({ message: __("Import queued"), indicator: "blue" });
			frm.reload_doc();
		});
};
