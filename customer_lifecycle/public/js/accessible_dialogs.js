// What a screen reader misses in Frappe's dialogs, added to the app's own (the new-customer dialog,
// the anonymize confirmation, a bulk action's results): Frappe's close button is an icon without a
// name, and its field labels are not tied to their inputs (a label without `for`, an input without
// an id), so a field is announced without its label. Frappe's other dialogs are left as they are.
// Call it again after fields are shown: Frappe makes a hidden field's input only once it shows.

frappe.provide("customer_lifecycle.dialogs");

let last_id = 0;

// a dialog's line of help below its fields: `text`, translated and escaped by the caller
customer_lifecycle.dialogs.help_field = function (text) {
	return { fieldname: "help", fieldtype: "HTML", options: `<p class="text-muted small">${text}</p>` };
};

customer_lifecycle.dialogs.make_accessible = function (dialog) {
	dialog.$wrapper.addClass("cl-dialog");
	dialog.$wrapper.find(".btn-modal-close").attr("aria-label", __("Close"));
	for (const control of dialog.fields_list || []) {
		const input = control.$input && control.$input.get(0);
		const label = control.label_area;
		if (!input || !label || label.tagName !== "LABEL" || label.contains(input)) continue;
		if (!input.id) input.id = `cl-dialog-field-${++last_id}`;
		label.htmlFor = input.id;
	}
	return dialog;
};
