// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

// The customer list: the lifecycle as its indicator (the workflow's state colours), completeness as a
// progress bar, a "Show incomplete" toggle in the sidebar, and bulk actions that report per customer
// what was done and what failed and why (customer_lifecycle.api.bulk).

const BULK_METHOD = "customer_lifecycle.api.bulk";
// published by the background job of a large selection: {job_id, done, total, finished}
const BULK_PROGRESS_EVENT = "customer_lifecycle_bulk_progress";
const INCOMPLETE_FILTER = ["Customer", "completeness", "<", 100];

frappe.listview_settings["Customer"] = {
	add_fields: [
		"lifecycle_status",
		"archived",
		"customer_type",
		"completeness",
		"active_flag",
		"flag_severity",
		"balance",
		"currency",
		"payment_segment",
	],
	// archived customers are kept but leave the default list; clear the filter to see them
	filters: [["archived", "=", 0]],
	hide_name_column: true,

	formatters: {
		// the name column is plain text: an active flag's marker goes in the nearest column
		customer_type: (value, df, doc) =>
			customer_lifecycle.flags.list_indicator_html(doc) + frappe.utils.escape_html(__(value || "")),
		// what the customer owes, in its currency: red for a late payer (the nightly payment segment),
		// orange otherwise, grey when nothing is owed
		balance(value, df, doc) {
			const owed = flt(value);
			const colour = owed <= 0 ? "gray" : doc.payment_segment === "Late" ? "red" : "orange";
			return `<span class="indicator-pill ${colour} cl-balance" title="${__("Balance")}">${format_currency(
				owed,
				doc.currency
			)}</span>`;
		},
		completeness(value) {
			const figure = Math.round(flt(value));
			const colour =
				figure >= 100 ? "bg-success" : figure >= 50 ? "bg-warning" : "bg-danger";
			return `<div class="cl-completeness d-flex align-items-center"
					title="${__("Completeness")}: ${figure}%">
				<div class="progress flex-grow-1" style="height: 6px; margin: 0;">
					<div class="progress-bar ${colour}" role="progressbar" style="width: ${figure}%;"
						aria-valuenow="${figure}" aria-valuemin="0" aria-valuemax="100"></div>
				</div>
				<span class="small text-muted ml-2">${figure}%</span>
			</div>`;
		},
	},

	onload(listview) {
		add_show_incomplete(listview);
		customer_lifecycle.c360.add_favourites_filter(listview);
		add_bulk_actions(listview);
		listview.page.add_menu_item(__("Last Bulk Action Results"), () => {
			get_results().then((state) => {
				if (state) show_results(listview, state);
				else frappe.msgprint(__("No bulk action in the last hour."));
			});
		});
	},

	refresh(listview) {
		listview.$cl_incomplete?.toggleClass("btn-primary-light", has_incomplete_filter(listview));
		customer_lifecycle.c360.refresh_favourites_filter(listview);
	},
};

function add_show_incomplete(listview) {
	listview.$cl_incomplete = customer_lifecycle.add_sidebar_filter(listview, {
		css_class: "cl-show-incomplete",
		title: __("Customers whose completeness is under 100%"),
		label: __("Show incomplete"),
		fieldname: "completeness",
		filter: () => INCOMPLETE_FILTER,
		is_set: has_incomplete_filter,
	});
}

function has_incomplete_filter(listview) {
	return listview.filter_area
		.get()
		.some((f) => f[1] === "completeness" && f[2] === "<" && flt(f[3]) === 100);
}

function add_bulk_actions(listview) {
	// Frappe's own Assign To and Add Tags report nothing per customer: the same items run ours
	const replace = {
		[__("Assign To", null, "Button in list view actions menu")]: () => assign_dialog(listview),
		[__("Add Tags", null, "Button in list view actions menu")]: () => tag_dialog(listview),
	};
	listview.page.actions.find(".menu-item-label").each((_, label) => {
		const action = replace[$(label).text().trim()];
		if (action) rebind($(label).closest("a"), action);
	});
	// the lifecycle actions Frappe lists for the selection (it shows only those all rows allow)
	Object.entries(listview.workflow_action_items || {}).forEach(([action, $link]) => {
		rebind($link, () => lifecycle_dialog(listview, action));
	});

	if (frappe.model.can_write("Customer")) {
		listview.page.add_actions_menu_item(__("Archive"), () => run_bulk(listview, "archive"));
		listview.page.add_actions_menu_item(__("Restore"), () => run_bulk(listview, "restore"));
	}
	if (frappe.model.can_delete("Customer")) {
		listview.page.add_actions_menu_item(__("Delete"), () => {
			const count = listview.get_checked_items(true).length;
			frappe.confirm(
				__(
					"Delete {0} customers permanently? Customers that other records link to are kept; archive those instead.",
					[count]
				),
				() => run_bulk(listview, "delete")
			);
		});
	}
}

function rebind($link, action) {
	$link.off("click").on("click", () => {
		action();
		return false;
	});
}

function tag_dialog(listview) {
	frappe.prompt(
		[
			{
				fieldname: "tag",
				fieldtype: "Data",
				label: __("Tag"),
				reqd: 1,
				description: __("A tag that does not exist yet is created."),
			},
		],
		(values) => run_bulk(listview, "tag", values),
		selection_title(listview, __("Add Tag")),
		__("Add Tag")
	);
}

function assign_dialog(listview) {
	frappe.prompt(
		[
			{
				fieldname: "assign_to",
				fieldtype: "Link",
				options: "User",
				label: __("Assign To"),
				reqd: 1,
				get_query: () => ({ filters: { enabled: 1, user_type: "System User" } }),
			},
			{ fieldname: "date", fieldtype: "Date", label: __("Due Date") },
			{ fieldname: "note", fieldtype: "Small Text", label: __("Note") },
		],
		(values) => run_bulk(listview, "assign", values),
		selection_title(listview, __("Assign To")),
		__("Assign")
	);
}

function lifecycle_dialog(listview, action) {
	frappe.prompt(
		[{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason") }],
		(values) => run_bulk(listview, "lifecycle", { action, reason: values.reason }),
		selection_title(listview, __(action)),
		__(action)
	);
}

function selection_title(listview, label) {
	return __("{0}: {1} selected", [label, listview.get_checked_items(true).length]);
}

function action_label(state) {
	// the menu item a run came from, for titles
	const labels = {
		tag: __("Add Tag"),
		assign: __("Assign To"),
		archive: __("Archive"),
		restore: __("Restore"),
		delete: __("Delete"),
	};
	return state.action === "lifecycle" ? __(state.params.action) : labels[state.action];
}

function run_bulk(listview, action, params = {}) {
	const customers = listview.get_checked_items(true);
	if (!customers.length) return;
	listview.disable_list_update = true;
	return frappe
		.xcall(`${BULK_METHOD}.run`, { action, customers, params })
		.then((state) => {
			if (state.finished) {
				show_results(listview, state);
			} else {
				watch_job(listview, state);
			}
		})
		.finally(() => {
			listview.disable_list_update = false;
		});
}

function watch_job(listview, state) {
	// realtime reports each customer; polling covers a desk without a realtime connection
	const title = __("{0}: {1} customers", [action_label(state), state.total]);
	let finished = false;
	const progress = (done, total) =>
		!finished && frappe.show_progress(title, done, total, __("{0} of {1}", [done, total]));
	const finish = () => {
		if (finished) return;
		finished = true;
		clearInterval(poll);
		frappe.realtime.off(BULK_PROGRESS_EVENT, on_progress);
		frappe.hide_progress();
		get_results(state.job_id).then((result) => result && show_results(listview, result));
	};
	const on_progress = (data) => {
		if (data.job_id !== state.job_id) return;
		data.finished ? finish() : progress(data.done, data.total);
	};
	const poll = setInterval(() => {
		get_results(state.job_id).then((current) => {
			if (!current) return;
			current.finished ? finish() : progress(current.processed, current.total);
		});
	}, 3000);
	progress(0, state.total);
	frappe.realtime.on(BULK_PROGRESS_EVENT, on_progress);
}

function resume_bulk(listview, state) {
	// the customers a stopped run did not reach; those it did are skipped
	return frappe
		.xcall(`${BULK_METHOD}.resume`, { job_id: state.job_id })
		.then((resumed) => watch_job(listview, resumed));
}

function get_results(job_id) {
	// a bulk run's state and results (the user's latest without job_id); a GET, as the API asks
	return frappe
		.call({ method: `${BULK_METHOD}.get_results`, args: { job_id }, type: "GET" })
		.then((r) => r.message);
}

function show_results(listview, state) {
	const esc = frappe.utils.escape_html;
	const rows = state.results
		.map((r) => {
			const done = r.result === "done";
			return `<tr class="cl-bulk-row" data-customer="${esc(r.customer)}" data-result="${
				r.result
			}">
				<td>
					<a href="/app/customer/${encodeURIComponent(r.customer)}">${esc(r.customer_name || r.customer)}</a>
					<div class="small text-muted">${esc(r.customer)}</div>
				</td>
				<td><span class="indicator-pill ${done ? "green" : "red"}">
					${done ? __("Done") : __("Failed")}</span></td>
				<td class="cl-bulk-message">${esc(r.message || "")}</td>
			</tr>`;
		})
		.join("");
	// a background run whose worker died: the customers not reached yet can be run now
	const left = state.stopped ? state.total - state.processed : 0;
	const stopped = state.stopped
		? `<div class="alert alert-danger cl-bulk-stopped">${esc(state.stopped)}
			${__("{0} customers were not reached.", [left])}</div>`
		: "";
	const dialog = new frappe.ui.Dialog({
		title: state.stopped
			? __("{0}: stopped, {1} done, {2} failed, {3} not reached", [
					action_label(state),
					state.done,
					state.failed,
					left,
			  ])
			: __("{0}: {1} done, {2} failed", [action_label(state), state.done, state.failed]),
		size: "large",
		fields: [
			{
				fieldname: "results",
				fieldtype: "HTML",
				options: `${stopped}<table class="table table-bordered cl-bulk-results">
					<thead><tr>
						<th>${__("Customer")}</th><th>${__("Result")}</th><th>${__("Message")}</th>
					</tr></thead>
					<tbody>${rows}</tbody>
				</table>`,
			},
		],
		primary_action_label: left ? __("Run the Rest") : __("Close"),
		primary_action: () => {
			dialog.hide();
			if (left) resume_bulk(listview, state);
		},
		...(left ? { secondary_action_label: __("Close"), secondary_action: () => dialog.hide() } : {}),
		on_hide: () => {
			listview.clear_checked_items();
			// the list skips a refresh with the same arguments as one in the last 3 seconds
			listview.last_args = null;
			listview.refresh();
		},
	});
	customer_lifecycle.dialogs.make_accessible(dialog);
	dialog.show();
}
