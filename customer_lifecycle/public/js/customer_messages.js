// Messages to chosen customers (customer_lifecycle.api.messages): from the customer list, choose
// customers by category, segment, tag, saved filter, the list's filters or the selected rows; the
// dialog previews how many contacts the message reaches and who is left out and why, then makes an
// Email Group of them and a draft Newsletter, opened in Frappe's Newsletter form to write and send.

import { api_client } from "./api_client";

const api = api_client("customer_lifecycle.api.messages");
const SEGMENTS = {
	revenue_segment: ["High", "Medium", "Low"],
	activity_segment: ["New", "Active", "Inactive"],
	payment_segment: ["On Time", "Partial", "Late"],
};

function selection_of(dialog, listview) {
	const values = dialog.get_values(true) || {};
	const selection = {};
	["category", "tag", "saved_filter", ...Object.keys(SEGMENTS)].forEach((field) => {
		if (values[field]) selection[field] = values[field];
	});
	if (values.use_list_filters) {
		selection.filters = listview.filter_area.get().map((f) => f.slice(0, 4));
	}
	if (values.only_selected) selection.customers = listview.get_checked_items(true);
	return selection;
}

function left_out_html(found) {
	const reasons = [
		["no_consent", __("without marketing consent")],
		["no_email", __("without an email address")],
		["unsubscribed", __("unsubscribed")],
	];
	const rows = reasons
		.map(([key, label]) => `<li>${found.left_out[key] || 0} ${label}</li>`)
		.join("");
	return `<p class="cl-message-preview"><b>${__("{0} contacts will get it", [found.included])}</b>
		${__("(of {0} contacts of {1} customers).", [found.contacts, found.customers])}</p>
		<p>${__("Left out:")}</p><ul>${rows}</ul>
		${found.customers_without_contacts
			? `<p class="text-muted">${__("{0} customers have no contact.", [found.customers_without_contacts])}</p>`
			: ""}`;
}

function open(listview) {
	const checked = listview.get_checked_items(true).length;
	const dialog = new frappe.ui.Dialog({
		title: __("Message Customers"),
		fields: [
			{ fieldtype: "Link", fieldname: "category", label: __("Category"), options: "Customer Category" },
			{ fieldtype: "Link", fieldname: "tag", label: __("Tag"), options: "Tag" },
			{ fieldtype: "Autocomplete", fieldname: "saved_filter", label: __("Saved Filter"), options: [] },
			{ fieldtype: "Column Break" },
			...Object.entries(SEGMENTS).map(([fieldname, options]) => ({
				fieldtype: "Select",
				fieldname,
				label: __(frappe.meta.get_label("Customer", fieldname)),
				options: ["", ...options],
			})),
			{ fieldtype: "Section Break" },
			{
				fieldtype: "Check",
				fieldname: "use_list_filters",
				label: __("Also the list's current filters"),
				default: 1,
			},
			{
				fieldtype: "Check",
				fieldname: "only_selected",
				label: __("Only the {0} selected customers", [checked]),
				default: checked ? 1 : 0,
				hidden: checked ? 0 : 1,
			},
			{ fieldtype: "Data", fieldname: "subject", label: __("Subject") },
			{ fieldtype: "HTML", fieldname: "preview_html" },
		],
		primary_action_label: __("Create Newsletter"),
		primary_action() {
			const subject = (dialog.get_value("subject") || "").trim();
			if (!subject) {
				frappe.msgprint(__("{0} is required.", [__("Subject")]));
				return;
			}
			api.post("make_newsletter", { selection: selection_of(dialog, listview), subject }).then((made) => {
				dialog.hide();
				frappe.show_alert({
					message: __("Newsletter {0} to {1} contacts: write it and send it from here.", [
						made.newsletter,
						made.included,
					]),
					indicator: "green",
				});
				frappe.set_route("Form", "Newsletter", made.newsletter);
			});
		},
		secondary_action_label: __("Preview"),
		secondary_action: () => preview(),
	});
	const preview = () => {
		const area = dialog.fields_dict.preview_html.$wrapper;
		api.get("preview", { selection: JSON.stringify(selection_of(dialog, listview)) })
			.then((found) => area.html(left_out_html(found)))
			.catch(() => area.html(""));
	};
	frappe.db
		.get_list("List Filter", { filters: { reference_doctype: "Customer" }, fields: ["filter_name"], limit: 100 })
		.then((rows) => dialog.set_df_property("saved_filter", "options", rows.map((r) => r.filter_name)));
	dialog.show();
}

frappe.provide("customer_lifecycle.messages");
customer_lifecycle.messages.open = open;
