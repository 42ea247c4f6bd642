// Generated documents: the customer form's Generated Docs tab (a page at a time, newest first) with
// Generate, and on each document Open (its PDF), Email (to one of the customer's contacts, logged as
// a note) and Share on Portal / Unshare; "Generate Document" on the customer and on an engagement.

import { api_client } from "./api_client";

frappe.provide("customer_lifecycle.documents");

const DOCUMENTS_API = "customer_lifecycle.api.documents";
const { get: api_get, post: api_post } = api_client(DOCUMENTS_API);

frappe.ui.form.on("Customer", {
	refresh(frm) {
		customer_lifecycle.documents.load(frm, 0);
		if (!frm.is_new() && frappe.model.can_create("Generated Document")) {
			frm.add_custom_button(__("Generate Document"), () =>
				customer_lifecycle.documents.generate_dialog({ customer: frm.doc.name, frm })
			);
		}
	},
});

frappe.ui.form.on("Engagement", {
	refresh(frm) {
		if (frm.is_new() || !frappe.model.can_create("Generated Document")) return;
		frm.add_custom_button(__("Generate Document"), () =>
			customer_lifecycle.documents.generate_dialog({
				customer: frm.doc.customer,
				engagement: frm.doc.name,
			})
		);
	},
});

customer_lifecycle.documents.load = function (frm, start) {
	const field = frm.fields_dict.documents_html;
	if (!field) return;
	const $wrapper = $(field.wrapper);
	if (frm.is_new()) return $wrapper.empty();
	const customer = frm.doc.name;
	return api_get("customer_documents", { customer, start }).then((data) => {
		if (frm.doc.name === customer) render(frm, $wrapper, data);
	});
};

// Choose a template (and, from the customer, optionally one of its engagements), then generate
customer_lifecycle.documents.generate_dialog = function ({ customer, engagement, frm }) {
	const dialog = new frappe.ui.Dialog({
		title: __("Generate Document"),
		fields: [
			{
				fieldname: "template",
				fieldtype: "Link",
				options: "Document Template",
				label: __("Template"),
				reqd: 1,
				get_query: () => ({ filters: { disabled: 0 } }),
				onchange() {
					show_description(dialog, this.get_value());
				},
			},
			{
				fieldname: "engagement",
				fieldtype: "Link",
				options: "Engagement",
				label: __("Engagement"),
				default: engagement,
				read_only: engagement ? 1 : 0,
				description: engagement ? "" : __("Optional: the engagement the document is about."),
				get_query: () => ({ filters: { customer } }),
			},
			{ fieldname: "template_description", fieldtype: "HTML" },
		],
		primary_action_label: __("Generate"),
		primary_action(values) {
			dialog.disable_primary_action();
			api_post("generate", { customer, template: values.template, engagement: values.engagement || null })
				.then((row) => {
					dialog.hide();
					if (frm) {
						frappe.show_alert({ message: __("{0} generated", [row.name]), indicator: "green" });
						customer_lifecycle.documents.load(frm, 0);
						customer_lifecycle.c360?.load(frm);
						frm.scroll_to_field("documents_html");
					} else {
						generated_message(customer, row);
					}
				})
				.finally(() => dialog.enable_primary_action());
		},
	});
	dialog.show();
	return dialog;
};

function show_description(dialog, template) {
	const $area = dialog.fields_dict.template_description.$wrapper.empty();
	if (!template) return;
	frappe.db.get_value("Document Template", template, "description").then((r) => {
		const text = r.message?.description;
		if (text) $area.html(`<p class="text-muted small">${frappe.utils.escape_html(text)}</p>`);
	});
}

function generated_message(customer, row) {
	const esc = frappe.utils.escape_html;
	frappe.msgprint({
		title: __("Document Generated"),
		indicator: "green",
		message: `<p>${__("{0} is filed with the customer's documents.", [esc(row.title)])}</p>
			<p><a class="cl-document-open" href="${esc(row.file_url)}" target="_blank" rel="noopener">${__("Open PDF")}</a>
			&middot; <a href="/app/customer/${encodeURIComponent(customer)}">${__("Open the customer")}</a></p>`,
	});
}

// Email a document to one of the customer's contacts (its primary contact by default)
customer_lifecycle.documents.email_dialog = function (frm, row) {
	const dialog = new frappe.ui.Dialog({
		title: __("Email {0}", [row.title]),
		fields: [
			{
				fieldname: "contact",
				fieldtype: "Link",
				options: "Contact",
				label: __("Contact"),
				reqd: 1,
				default: frm.doc.primary_contact,
				get_query: () => ({
					query: "frappe.contacts.doctype.contact.contact.contact_query",
					filters: { link_doctype: "Customer", link_name: frm.doc.name },
				}),
			},
			customer_lifecycle.dialogs.help_field(
				__("The PDF goes with the Email Template \"Generated Document\"; the email is logged as a note.")
			),
		],
		primary_action_label: __("Send"),
		primary_action(values) {
			dialog.disable_primary_action();
			api_post("email_document", { document: row.name, contact: values.contact })
				.then((r) => {
					dialog.hide();
					frappe.show_alert({ message: __("Emailed to {0}", [r.sent_to]), indicator: "green" });
					customer_lifecycle.documents.load(frm, 0);
					customer_lifecycle.c360?.load(frm);
				})
				.finally(() => dialog.enable_primary_action());
		},
	});
	dialog.show();
	return dialog;
};

function render(frm, $wrapper, data) {
	const esc = frappe.utils.escape_html;
	const can_generate = frappe.model.can_create("Generated Document");
	const can_write = frappe.model.can_write("Generated Document");
	const can_email = frappe.model.can_email("Generated Document");
	const rows = data.rows
		.map(
			(row) => `<tr class="cl-document-row" data-name="${esc(row.name)}">
				<td><a href="/app/generated-document/${encodeURIComponent(row.name)}">${esc(row.title || row.document_template)}</a>
					<div class="text-muted small">${esc(row.name)}</div></td>
				<td>${row.engagement ? `<a href="/app/engagement/${encodeURIComponent(row.engagement)}">${esc(row.engagement_title || row.engagement)}</a>` : ""}</td>
				<td>${frappe.datetime.str_to_user(row.creation)}<div class="text-muted small">${esc(row.generated_by || "")}</div></td>
				<td>${row.shared_on_portal ? `<span class="indicator-pill green cl-document-shared">${__("Shared")}</span>` : ""}
					${row.last_emailed_on ? `<div class="text-muted small cl-document-emailed">${__("Emailed {0}", [frappe.datetime.str_to_user(row.last_emailed_on)])}</div>` : ""}</td>
				<td class="text-right text-nowrap">
					${row.file_url ? `<a class="btn btn-xs btn-default cl-document-open" href="${esc(row.file_url)}" target="_blank" rel="noopener">${__("Open")}</a>` : `<span class="text-muted small">${__("PDF removed")}</span>`}
					${can_email && row.file_url ? `<button class="btn btn-xs btn-default cl-document-email">${__("Email")}</button>` : ""}
					${can_write ? `<button class="btn btn-xs btn-default cl-document-share">${row.shared_on_portal ? __("Unshare") : __("Share on Portal")}</button>` : ""}
				</td>
			</tr>`
		)
		.join("");
	const pager = customer_lifecycle.ledgers.pager(data, "cl-documents");
	$wrapper.html(`<div class="cl-documents">
		<div class="cl-ledger-actions">${can_generate ? `<button class="btn btn-xs btn-default cl-documents-generate">${__("Generate")}</button>` : ""}</div>
		${
			data.rows.length
				? `<div class="table-responsive"><table class="table table-sm cl-documents-table">
					<thead><tr><th>${__("Document")}</th><th>${__("Engagement")}</th><th>${__("Generated")}</th>
					<th>${__("Portal / Email")}</th><th></th></tr></thead><tbody>${rows}</tbody></table></div>${pager}`
				: `<p class="text-muted cl-documents-empty">${__("No documents generated yet.")}</p>`
		}
	</div>`);
	const row_of = (e) => data.rows.find((row) => row.name === $(e.currentTarget).closest("tr").attr("data-name"));
	$wrapper.find(".cl-documents-generate").on("click", () =>
		customer_lifecycle.documents.generate_dialog({ customer: frm.doc.name, frm })
	);
	customer_lifecycle.ledgers.bind_pager($wrapper, data, "cl-documents", (start) =>
		customer_lifecycle.documents.load(frm, start)
	);
	$wrapper.find(".cl-document-email").on("click", (e) => customer_lifecycle.documents.email_dialog(frm, row_of(e)));
	$wrapper.find(".cl-document-share").on("click", (e) => {
		const row = row_of(e);
		api_post("share_on_portal", { document: row.name, shared: row.shared_on_portal ? 0 : 1 }).then((changed) => {
			frappe.show_alert({
				message: changed.shared_on_portal
					? __("{0} is shared on the portal", [changed.name])
					: __("{0} is no longer on the portal", [changed.name]),
				indicator: "green",
			});
			customer_lifecycle.documents.load(frm, data.start);
		});
	});
}
