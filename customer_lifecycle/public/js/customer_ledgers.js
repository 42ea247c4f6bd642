// The customer form's Engagements, Invoices and Payments tabs: a real table each, a page at a time
// (newest first, with Previous / Next), amounts in the customer's currency, and actions in place:
// new engagement or invoice, record a payment against an invoice row, print an invoice or receipt.
// Other features add their tab to customer_lifecycle.ledgers.TABS (customer_requests.js,
// customer_service.js): a tab names its own method (`api`, called with the customer, the start and the
// tab's own `args`), binds its own row actions (`bind`), and says `create: false` for no New button.

frappe.provide("customer_lifecycle.ledgers");

const LEDGER_API = "customer_lifecycle.api.billing.customer_records";

customer_lifecycle.ledgers.TABS = {
	engagements: {
		field: "engagements_html",
		doctype: "Engagement",
		empty: __("No engagements yet."),
		columns: [
			[__("Engagement"), (row) => link("Engagement", row.name, row.title)],
			[__("Status"), (row) => pill(row.status)],
			[__("Due Date"), (row) => date(row.due_date)],
			[__("Delivered"), (row) => date(row.delivered_on)],
			[__("Open For"), (row) => (row.open_days == null ? "" : __("{0} days", [row.open_days])), "text-right"],
		],
	},
	invoices: {
		field: "invoices_html",
		doctype: "Customer Invoice",
		empty: __("No invoices yet."),
		columns: [
			[__("Invoice"), (row) => link("Customer Invoice", row.name)],
			[__("Status"), (row) => pill(row.status)],
			[__("Date"), (row) => date(row.posting_date)],
			[__("Due Date"), (row) => date(row.due_date)],
			[__("Total"), (row) => money(row.total, row.currency), "text-right"],
			[__("Balance"), (row) => money(row.outstanding_amount, row.currency), "text-right"],
			[
				"",
				(row) =>
					[
						row.docstatus === 1 && row.outstanding_amount > 0 && frappe.model.can_submit("Customer Payment")
							? action("pay", row.name, __("Record Payment"))
							: "",
						row.docstatus === 1 ? action("print", row.name, __("Print")) : "",
					].join(" "),
				"text-right",
			],
		],
	},
	payments: {
		field: "payments_html",
		doctype: "Customer Payment",
		// recorded from an invoice row, or the Billing menu
		create: false,
		empty: __("No payments yet."),
		columns: [
			[__("Payment"), (row) => link("Customer Payment", row.name)],
			[__("Date"), (row) => date(row.posting_date)],
			[__("Amount"), (row) => money(row.amount, row.currency), "text-right"],
			[__("Method"), (row) => frappe.utils.escape_html(__(row.method || ""))],
			[__("Reference"), (row) => frappe.utils.escape_html(row.reference || "")],
			[
				__("Invoices Paid"),
				(row) =>
					row.is_retainer_deposit
						? `<span class="text-muted">${__("Retainer deposit")}</span>`
						: row.invoices.map((paid) => link("Customer Invoice", paid.invoice)).join(", "),
			],
			["", (row) => (row.docstatus === 1 ? action("print", row.name, __("Print")) : ""), "text-right"],
		],
	},
};

frappe.ui.form.on("Customer", {
	refresh(frm) {
		Object.keys(customer_lifecycle.ledgers.TABS).forEach((ledger) => customer_lifecycle.ledgers.load(frm, ledger, 0));
	},
});

customer_lifecycle.ledgers.load = function (frm, ledger, start) {
	const tab = customer_lifecycle.ledgers.TABS[ledger];
	const field = frm.fields_dict[tab.field];
	if (!field) return;
	const $wrapper = $(field.wrapper);
	if (frm.is_new()) return $wrapper.empty();
	const args = tab.api ? { customer: frm.doc.name, start, ...tab.args } : { customer: frm.doc.name, ledger, start };
	frappe
		.call({ method: tab.api || LEDGER_API, args, type: "GET" })
		.then((r) => render(frm, $wrapper, ledger, r.message));
};

// the pager under a tab's table of one page of `data` ({rows, total, start, page_length}):
// "1 to 20 of 75", Previous and Next, their classes `${prefix}-prev` and `${prefix}-next`
customer_lifecycle.ledgers.pager = function (data, prefix) {
	const last = data.start + data.rows.length;
	if (data.total <= data.page_length) return "";
	return `<div class="cl-ledger-pager">
			<span class="text-muted">${__("{0} to {1} of {2}", [data.start + 1, last, data.total])}</span>
			<button class="btn btn-xs btn-default ${prefix}-prev" ${data.start ? "" : "disabled"}>${__("Previous")}</button>
			<button class="btn btn-xs btn-default ${prefix}-next" ${last < data.total ? "" : "disabled"}>${__("Next")}</button>
		</div>`;
};

// Previous and Next load the page before or after: go(start)
customer_lifecycle.ledgers.bind_pager = function ($wrapper, data, prefix, go) {
	$wrapper.find(`.${prefix}-prev`).on("click", () => go(Math.max(0, data.start - data.page_length)));
	$wrapper.find(`.${prefix}-next`).on("click", () => go(data.start + data.page_length));
};

function render(frm, $wrapper, ledger, data) {
	const tab = customer_lifecycle.ledgers.TABS[ledger];
	const create = frappe.model.can_create(tab.doctype) && tab.create !== false
		? `<button class="btn btn-xs btn-default cl-ledger-new">${__("New {0}", [__(tab.doctype)])}</button>`
		: "";
	const head = tab.columns.map(([label, , cls]) => `<th class="${cls || ""}">${label}</th>`).join("");
	const body = data.rows
		.map((row) => `<tr>${tab.columns.map(([, cell, cls]) => `<td class="${cls || ""}">${cell(row)}</td>`).join("")}</tr>`)
		.join("");
	const pager = customer_lifecycle.ledgers.pager(data, "cl-ledger");
	$wrapper.html(`<div class="cl-ledger" data-ledger="${ledger}">
		<div class="cl-ledger-actions">${create}</div>
		${
			data.rows.length
				? `<div class="table-responsive"><table class="table table-sm cl-ledger-table">
						<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>${pager}`
				: `<p class="text-muted cl-ledger-empty">${tab.empty}</p>`
		}
	</div>`);
	$wrapper.find(".cl-ledger-new").on("click", () => frappe.new_doc(tab.doctype, { customer: frm.doc.name }));
	customer_lifecycle.ledgers.bind_pager($wrapper, data, "cl-ledger", (start) =>
		customer_lifecycle.ledgers.load(frm, ledger, start)
	);
	$wrapper.find("[data-action=pay]").on("click", (e) => {
		const invoice = data.rows.find((row) => row.name === $(e.currentTarget).attr("data-name"));
		customer_lifecycle.billing.payment_dialog(frm, invoice);
	});
	$wrapper.find("[data-action=print]").on("click", (e) =>
		frappe.set_route("print", tab.doctype, $(e.currentTarget).attr("data-name"))
	);
	if (tab.bind) tab.bind(frm, $wrapper, data);
}

// the cells other tabs build their columns from
customer_lifecycle.ledgers.cells = { link, pill, date, money, action };

function link(doctype, name, title) {
	const esc = frappe.utils.escape_html;
	const label = title ? `${esc(title)} <span class="text-muted">${esc(name)}</span>` : esc(name);
	return `<a href="/app/${frappe.router.slug(doctype)}/${encodeURIComponent(name)}">${label}</a>`;
}

function pill(status) {
	return status ? `<span class="indicator-pill ${frappe.utils.guess_colour(status)}">${frappe.utils.escape_html(__(status))}</span>` : "";
}

function date(value) {
	return value ? frappe.datetime.str_to_user(value) : "";
}

function money(value, currency) {
	return format_currency(value || 0, currency);
}

function action(name, doc, label) {
	return `<button class="btn btn-xs btn-default cl-ledger-${name}" data-action="${name}" data-name="${frappe.utils.escape_html(doc)}">${label}</button>`;
}
