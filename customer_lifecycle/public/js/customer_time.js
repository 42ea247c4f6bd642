// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

// Time and profitability: "Invoice Unbilled Time" (the customer form's Billing group, and the
// engagement form through customer_lifecycle.time.invoice_dialog), and the Financials tab's
// Profitability section: revenue, cost of time, margin and unbilled time per engagement and for the
// customer, in the customer's currency, from one GET (for those who may read Staff Rates).

frappe.provide("customer_lifecycle.time");

const TIME_API = "customer_lifecycle.api.time_entries";

frappe.ui.form.on("Customer", {
	refresh(frm) {
		if (frm.is_new()) return;
		if (frappe.model.can_create("Customer Invoice")) {
			frm.add_custom_button(
				__("Invoice Unbilled Time"),
				() => customer_lifecycle.time.invoice_dialog({ customer: frm.doc.name }),
				__("Billing")
			);
		}
		customer_lifecycle.time.load_profitability(frm);
	},
});

// ask one line per entry or per activity, make the draft invoice, open it
customer_lifecycle.time.invoice_dialog = function (args) {
	const dialog = new frappe.ui.Dialog({
		title: __("Invoice Unbilled Time"),
		fields: [
			{
				fieldname: "lines",
				fieldtype: "Select",
				label: __("Invoice Lines"),
				options: [
					{ value: "entry", label: __("One line per time entry") },
					{ value: "activity", label: __("One line per activity") },
				],
				default: "entry",
				reqd: 1,
			},
			customer_lifecycle.dialogs.help_field(
				__(
					"A draft invoice of the billable time not invoiced yet. The entries it bills are locked until the invoice is cancelled, or deleted while a draft."
				)
			),
		],
		primary_action_label: __("Make Draft Invoice"),
		primary_action(values) {
			dialog.disable_primary_action();
			frappe
				.xcall(`${TIME_API}.invoice_unbilled_time`, { ...args, lines: values.lines })
				.then((invoice) => {
					dialog.hide();
					frappe.set_route("Form", "Customer Invoice", invoice);
				})
				.finally(() => dialog.enable_primary_action());
		},
	});
	dialog.show();
	return dialog;
};

customer_lifecycle.time.load_profitability = function (frm) {
	const field = frm.fields_dict.financials_html;
	if (!field) return;
	const $wrapper = $(field.wrapper);
	if (!frappe.model.can_read("Staff Rate")) {
		$wrapper.html(`<p class="text-muted small">${__("Profitability is shown to those who may read Staff Rates.")}</p>`);
		return;
	}
	frappe
		.call({ method: `${TIME_API}.customer_profitability`, args: { customer: frm.doc.name }, type: "GET" })
		.then((r) => $wrapper.html(profitability_html(r.message)));
};

function profitability_html(data) {
	const esc = frappe.utils.escape_html;
	const money = (value) => (value === null ? "" : format_currency(value, data.currency));
	const percent = (value) => (value === null ? "" : `${format_number(value, null, 2)} %`);
	const cells = (row) => `
		<td class="text-right">${format_number(row.hours, null, 2)}</td>
		<td class="text-right">${money(row.revenue)}</td>
		<td class="text-right">${money(row.cost)}</td>
		<td class="text-right">${money(row.margin)}</td>
		<td class="text-right">${percent(row.margin_percent)}</td>
		<td class="text-right">${money(row.unbilled)}</td>`;
	const rows = data.engagements.map(
		(row) => `<tr data-engagement="${esc(row.engagement)}">
			<td><a href="/app/engagement/${encodeURIComponent(row.engagement)}">${esc(row.title || row.engagement)}</a>
				<span class="text-muted small">${esc(__(row.status))}</span></td>${cells(row)}</tr>`
	);
	if (data.other) {
		rows.push(`<tr class="cl-profit-other"><td class="text-muted">${__("Not linked to an engagement")}</td>${cells(data.other)}</tr>`);
	}
	return `<div class="cl-profitability">
		${data.cost_note ? `<p class="text-muted small">${esc(data.cost_note)}</p>` : ""}
		<div class="table-responsive"><table class="table table-sm">
			<thead><tr>
				<th>${__("Engagement")}</th><th class="text-right">${__("Hours")}</th>
				<th class="text-right">${__("Revenue")}</th><th class="text-right">${__("Cost of Time")}</th>
				<th class="text-right">${__("Margin")}</th><th class="text-right">${__("Margin %")}</th>
				<th class="text-right">${__("Unbilled Time")}</th>
			</tr></thead>
			<tbody>${rows.join("") || `<tr><td colspan="7" class="text-muted">${__("No engagements yet.")}</td></tr>`}</tbody>
			<tfoot><tr class="cl-profit-total"><th>${__("Customer")}</th>${cells(data.total).replaceAll("<td", "<th").replaceAll("</td>", "</th>")}</tr></tfoot>
		</table></div>
	</div>`;
}
