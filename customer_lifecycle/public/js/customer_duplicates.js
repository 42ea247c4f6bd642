// Likely duplicate customers in the desk: the "Customer already exists" warning before a new
// customer is saved (full form here, the new-customer dialog in customer_quick_entry.js), and the
// Merge action on the customer form for Customer Managers.

frappe.provide("customer_lifecycle.duplicates");

const CHECK_METHOD = "customer_lifecycle.api.duplicates.check";
const MERGE_METHOD = "customer_lifecycle.api.merge.merge";
const MANAGER_ROLES = ["Customer Manager", "System Manager"];

customer_lifecycle.duplicates.is_manager = () => MANAGER_ROLES.some((role) => frappe.user.has_role(role));

customer_lifecycle.duplicates.find = function (values, customer) {
	const args = {};
	for (const field of ["customer_name", "email", "phone", "id_number"]) {
		if (values[field]) args[field] = values[field];
	}
	if (customer) args.customer = customer;
	return new Promise((resolve) => {
		frappe.call({
			method: CHECK_METHOD,
			type: "GET",
			args,
			// a failed check must not stop the save: the server checks again
			callback: (r) => resolve(r.message || []),
			error: () => resolve([]),
		});
	});
};

customer_lifecycle.duplicates.candidates_html = function (candidates) {
	const rows = candidates
		.map((c) => {
			const name = frappe.utils.escape_html(c.customer_name || c.name);
			const reasons = c.reasons.map((r) => frappe.utils.escape_html(r)).join(", ");
			const state = c.lifecycle_status ? frappe.utils.escape_html(__(c.lifecycle_status)) : "";
			const blocks = c.blocks ? `<span class="indicator-pill red">${__("Exact match")}</span>` : "";
			return `<tr class="duplicate-candidate" data-name="${frappe.utils.escape_html(c.name)}">
				<td><a href="/app/customer/${encodeURIComponent(c.name)}" class="duplicate-open">${name}</a>
					<div class="text-muted small">${frappe.utils.escape_html(c.name)}</div></td>
				<td>${state}</td>
				<td>${c.score}%</td>
				<td>${reasons} ${blocks}</td>
			</tr>`;
		})
		.join("");
	return `<table class="table table-bordered duplicate-candidates">
		<thead><tr><th>${__("Customer")}</th><th>${__("Lifecycle")}</th><th>${__("Score")}</th><th>${__("Why")}</th></tr></thead>
		<tbody>${rows}</tbody></table>`;
};

/**
 * Before a new customer is saved: look for likely duplicates of `values` and, when there are
 * some, ask. Resolves "save" (none, or the user goes on), "override" (a manager saves past an
 * exact match: set allow_duplicate), "open" (the user opened an existing customer) or "stop".
 */
customer_lifecycle.duplicates.confirm = async function (values) {
	const candidates = await customer_lifecycle.duplicates.find(values);
	if (!candidates.length) return "save";
	const blocked = candidates.some((c) => c.blocks);
	const manager = customer_lifecycle.duplicates.is_manager();
	return new Promise((resolve) => {
		let answer = "stop";
		const note = !blocked
			? __("Open the existing customer, or create this one anyway.")
			: manager
			? __("A customer with the same email or ID number exists. As a Customer Manager you may create this one anyway; that is recorded.")
			: __("A customer with the same email or ID number exists. Open it, or ask a Customer Manager to create this one.");
		const dialog = new frappe.ui.Dialog({
			title: __("Customer already exists"),
			fields: [
				{ fieldtype: "HTML", fieldname: "note", options: `<p>${note}</p>` },
				{ fieldtype: "HTML", fieldname: "candidates", options: customer_lifecycle.duplicates.candidates_html(candidates) },
			],
			secondary_action_label: __("Back"),
			secondary_action: () => dialog.hide(),
		});
		if (!blocked || manager) {
			dialog.set_primary_action(__("Create anyway"), () => {
				answer = blocked ? "override" : "save";
				dialog.hide();
			});
		}
		dialog.$wrapper.on("click", "a.duplicate-open", (e) => {
			e.preventDefault();
			answer = "open";
			dialog.hide();
			frappe.set_route("Form", "Customer", $(e.currentTarget).closest("tr").attr("data-name"));
		});
		dialog.onhide = () => resolve(answer);
		dialog.show();
	});
};

frappe.ui.form.on("Customer", {
	before_save(frm) {
		if (!frm.is_new()) return;
		return customer_lifecycle.duplicates.confirm(frm.doc).then((answer) => {
			if (answer === "override") {
				frm.doc.allow_duplicate = 1;
			} else if (answer !== "save") {
				frappe.validated = false;
			}
		});
	},

	refresh(frm) {
		if (frm.is_new() || !customer_lifecycle.duplicates.is_manager()) return;
		frm.add_custom_button(__("Merge"), () => customer_lifecycle.duplicates.merge_dialog(frm));
	},
});

customer_lifecycle.duplicates.merge_dialog = function (frm) {
	const INTO_THIS = __("Merge another customer into this one");
	const THIS_INTO = __("Merge this customer into another");
	const dialog = new frappe.ui.Dialog({
		title: __("Merge {0}", [frappe.utils.escape_html(frm.doc.customer_name)]),
		fields: [
			{
				fieldtype: "Select",
				fieldname: "direction",
				label: __("Direction"),
				options: [INTO_THIS, THIS_INTO].join("\n"),
				default: INTO_THIS,
				reqd: 1,
				change: () => explain(),
			},
			{
				fieldtype: "Link",
				fieldname: "other",
				label: __("Customer"),
				options: "Customer",
				reqd: 1,
				get_query: () => ({ filters: { name: ["!=", frm.doc.name], archived: ["in", [0, 1]] } }),
				change: () => explain(),
			},
			{ fieldtype: "HTML", fieldname: "explanation" },
			{ fieldtype: "HTML", fieldname: "suggestions" },
		],
		primary_action_label: __("Merge"),
		primary_action(values) {
			const [customer, into] = values.direction === INTO_THIS ? [values.other, frm.doc.name] : [frm.doc.name, values.other];
			frappe
				.xcall(MERGE_METHOD, { customer, into })
				.then((r) => {
					dialog.hide();
					frappe.show_alert({ message: __("{0} merged into {1}", [customer, into]), indicator: "green" });
					if (r.name === frm.doc.name) {
						frm.reload_doc();
					} else {
						frappe.set_route("Form", "Customer", r.name);
					}
				})
				.catch(() => {}); // the server's message is already shown
		},
	});

	function explain(chosen) {
		const other = chosen || dialog.get_value("other");
		const into_this = dialog.get_value("direction") === INTO_THIS;
		const text = !other
			? __("Choose the customer to merge.")
			: __("{0} is deleted; its contacts, addresses, notes, history, comments, tasks and files move to {1}, which keeps its own lifecycle.", [
					frappe.utils.escape_html(into_this ? other : frm.doc.name),
					frappe.utils.escape_html(into_this ? frm.doc.name : other),
			  ]);
		dialog.fields_dict.explanation.$wrapper.html(`<p class="text-muted">${text}</p>`);
	}

	// the likely duplicates of this customer, one click to choose
	customer_lifecycle.duplicates.find(frm.doc, frm.doc.name).then((candidates) => {
		if (!candidates.length) return;
		const wrapper = dialog.fields_dict.suggestions.$wrapper;
		wrapper.html(`<p>${__("Likely duplicates (click to choose):")}</p>` + customer_lifecycle.duplicates.candidates_html(candidates));
		wrapper.on("click", "tr.duplicate-candidate", (e) => {
			e.preventDefault();
			const name = $(e.currentTarget).attr("data-name");
			dialog.set_value("other", name).then(() => explain(name));
		});
	});
	explain();
	dialog.show();
};
