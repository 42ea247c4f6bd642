// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

// Terminology: a preview of how the desk reads with the words being typed, and, once they are
// saved, an offer to reload (the desk reads its texts when a page loads).

const TERM_FIELDS = ["customer_term", "customer_term_plural"];

frappe.ui.form.on("Customer Lifecycle Settings", {
	refresh(frm) {
		// after_save runs before this refresh, so it still sees the words as they were loaded
		frm.__saved_terms = current_terms(frm);
		show_term_preview(frm);
	},
	customer_term: show_term_preview,
	customer_term_plural: show_term_preview,
	after_save(frm) {
		if (current_terms(frm) === frm.__saved_terms) return;
		frappe.confirm(
			__("The desk shows the new words after the page reloads. Reload now?"),
			() => window.location.reload()
		);
	},
});

function current_terms(frm) {
	return TERM_FIELDS.map((fieldname) => frm.doc[fieldname] || "").join("\n");
}

async function show_term_preview(frm) {
	const [singular, plural] = TERM_FIELDS.map((fieldname) => frm.doc[fieldname] || "");
	const { message: result } = await frappe.call({
		method: "customer_lifecycle.customers.terminology.preview",
		args: { singular, plural },
		type: "GET",
	});
	const text = result.error
		? `<span class="text-danger">${frappe.utils.escape_html(result.error)}</span>`
		: __("Reads as: {0}", [
				result.samples
					.map(([before, after]) =>
						before === after
							? frappe.utils.escape_html(after)
							: `${frappe.utils.escape_html(before)} → <b>${frappe.utils.escape_html(after)}</b>`
					)
					.join(" · "),
		  ]);
	frm.set_df_property("customer_term_plural", "description", text);
}
