// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

// The Customer 360: a header strip above the form's tabs, so it shows on every tab (name, type,
// lifecycle, favourite, active flag, Email or Note, and the counts of customer_lifecycle.customers.
// summary, open information requests among them), the task list of the Notes & Tasks tab (Frappe ToDos on the customer), and the
// "My favourites" filter the customer list calls.

import { api_client } from "./api_client";

frappe.provide("customer_lifecycle.c360");

const C360_API = "customer_lifecycle.api.customer360";
// the header's counts, in order; a count the summary returns as null (module missing) is hidden
const C360_COUNTS = [
	{ key: "open_engagements", label: __("Open Engagements") },
	{ key: "open_invoices", label: __("Open Invoices") },
	{ key: "balance", label: __("Balance"), currency: true },
	// shown for customers who keep a retainer
	{ key: "retainer_balance", label: __("Retainer"), currency: true, nonzero: true },
	{ key: "total_spent", label: __("Total Spent"), currency: true },
	{ key: "invoice_count", label: __("Invoices") },
	{ key: "average_invoice", label: __("Average Invoice"), currency: true },
	{ key: "first_invoice", label: __("First Purchase"), date: true },
	{ key: "last_invoice", label: __("Last Purchase"), date: true },
	{ key: "open_requests", label: __("Open Requests"), field: "requests_html" },
	{ key: "files", label: __("Files"), field: "files_html" },
	{ key: "documents", label: __("Documents"), field: "documents_html" },
	{ key: "open_tasks", label: __("Open Tasks"), field: "tasks_html" },
	{ key: "notes", label: __("Notes"), field: "notes_html" },
];

frappe.ui.form.on("Customer", {
	refresh(frm) {
		customer_lifecycle.c360.refresh(frm);
	},
});

customer_lifecycle.c360.refresh = function (frm) {
	const $header = get_header(frm);
	const $tasks = frm.fields_dict.tasks_html?.$wrapper;
	if (frm.is_new()) {
		$header.addClass("hidden");
		$tasks?.empty();
		return;
	}
	$header.removeClass("hidden");
	frm.cl_summary = frm.cl_summary?.name === frm.doc.name ? frm.cl_summary : null;
	render_header(frm, $header);
	customer_lifecycle.c360.load(frm);
};

// the summary and the tasks, read together; renders both when they arrive
customer_lifecycle.c360.load = function (frm) {
	const customer = frm.doc.name;
	return Promise.all([
		api_get("summary", { customer }),
		api_get("tasks", { customer, scope: frm.cl_task_scope || "today" }),
	]).then(
		([summary, tasks]) => {
			if (frm.doc.name !== customer) return; // the form moved on to another customer
			frm.cl_summary = summary;
			render_header(frm, get_header(frm));
			render_tasks(frm, tasks);
		}
	);
};

const { get: api_get, post: api_post } = api_client(C360_API);

// ---- the header ----

function get_header(frm) {
	// the layout lives as long as the form, across customers: the strip is made once
	if (!frm.$cl_360 || !frm.$cl_360.closest("body").length) {
		frm.$cl_360 = $(`<div class="cl-360-header"></div>`).prependTo(frm.layout.page);
		frm.$cl_360.css({
			padding: "var(--padding-md) var(--padding-lg)",
			"border-bottom": "1px solid var(--border-color)",
			"background-color": "var(--card-bg)",
			"border-radius": "var(--border-radius-md) var(--border-radius-md) 0 0",
		});
		frm.$cl_360.on("click", ".cl-360-favourite", (e) => {
			frappe.ui.toggle_like($(e.currentTarget), frm.doctype, frm.doc.name, () => {
				frm.sidebar?.refresh_like();
			});
		});
		frm.$cl_360.on("click", ".cl-360-email", () => compose_email(frm));
		frm.$cl_360.on("click", ".cl-360-note", () => add_note(frm));
		frm.$cl_360.on("click", ".cl-360-count[data-field]", (e) => {
			frm.scroll_to_field($(e.currentTarget).attr("data-field"), false);
		});
	}
	return frm.$cl_360;
}

function render_header(frm, $header) {
	const doc = frm.doc;
	const summary = frm.cl_summary;
	const esc = frappe.utils.escape_html;
	const [state, colour] = frappe.get_indicator(doc, frm.doctype, true) || [];
	const liked = frappe.ui.is_liked(doc);
	const flag_colour = customer_lifecycle.flags.SEVERITY_COLOURS[doc.flag_severity] || "orange";
	const flag_title = __("Active flag ({0}): {1}", [
		__(doc.flag_severity || "Medium"),
		doc.active_flag,
	]);
	const flag = doc.active_flag
		? `<span class="indicator-pill ${flag_colour} cl-360-flag" title="${esc(flag_title)}">
				&#x2691; ${esc(doc.active_flag)}</span>`
		: "";
	$header.html(`
		<div class="d-flex flex-wrap align-items-center justify-content-between" style="gap: var(--padding-md);">
			<div class="d-flex flex-wrap align-items-center" style="gap: var(--padding-sm);">
				<span class="cl-360-name h5 mb-0">${esc(doc.customer_name || doc.name)}</span>
				<span class="cl-360-type badge badge-secondary">${esc(__(doc.customer_type || ""))}</span>
				${state ? `<span class="indicator-pill ${colour} cl-360-lifecycle">${esc(state)}</span>` : ""}
				<span class="cl-360-favourite like-action ${liked ? "liked" : "not-liked"}"
					role="button" data-doctype="${esc(frm.doctype)}" data-name="${esc(doc.name)}"
					title="${liked ? __("Remove from my favourites") : __("Add to my favourites")}">
					${frappe.utils.icon("es-solid-heart", "sm", "like-icon")}
				</span>
				${flag}
				${action_button(frm)}
			</div>
			<div class="cl-360-counts d-flex flex-wrap" style="gap: var(--padding-lg);">
				${summary ? counts_html(summary) : ""}
			</div>
		</div>
	`);
}

function action_button(frm) {
	if (frm.doc.email) {
		return `<button class="btn btn-default btn-xs cl-360-email">
			${frappe.utils.icon("mail", "xs")} ${__("Email")}</button>`;
	}
	// notes come from the notes module: offered once its DocType is installed (the count is not null)
	if (frm.cl_summary && frm.cl_summary.notes != null && customer_lifecycle.notes?.add_dialog) {
		return `<button class="btn btn-default btn-xs cl-360-note">
			${frappe.utils.icon("es-line-notes", "xs")} ${__("Note")}</button>`;
	}
	return "";
}

function counts_html(summary) {
	return C360_COUNTS.filter((c) => summary[c.key] != null && (!c.nonzero || flt(summary[c.key])))
		.map((c) => {
			const value = c.currency
				? format_currency(summary[c.key], summary.currency)
				: c.date
				? frappe.datetime.str_to_user(summary[c.key])
				: cint(summary[c.key]);
			return `<div class="cl-360-count text-center" data-key="${c.key}"
					${c.field ? `data-field="${c.field}"` : ""}
					${c.field ? 'role="button"' : ""}>
				<div class="cl-360-figure h5 mb-0">${value}</div>
				<div class="cl-360-label small text-muted">${c.label}</div>
			</div>`;
		})
		.join("");
}

function compose_email(frm) {
	new frappe.views.CommunicationComposer({
		doc: frm.doc,
		frm: frm,
		recipients: frm.doc.email,
		subject: "",
		attach_document_print: false,
	});
}

function add_note(frm) {
	// the notes module's dialog (customer_notes.js); the counts follow once it closes
	const dialog = customer_lifecycle.notes.add_dialog(frm);
	if (dialog) dialog.onhide = () => customer_lifecycle.c360.load(frm);
}

// ---- the tasks ----

function render_tasks(frm, tasks) {
	const $wrapper = frm.fields_dict.tasks_html?.$wrapper;
	if (!$wrapper) return;
	if (!$wrapper.find(".cl-tasks").length) make_tasks_area(frm, $wrapper);
	const $list = $wrapper.find(".cl-task-list").empty();
	const all = frm.cl_task_scope === "all";
	$wrapper.find(".cl-task-empty").toggleClass("hidden", tasks.length > 0)
		.text(all ? __("No tasks yet.") : __("No tasks today."));
	$wrapper.find(".cl-task-scope").text(all ? __("Show today's tasks") : __("Show all tasks"))
		.attr("aria-pressed", all ? "true" : "false");
	for (const task of tasks) $list.append(task_row(task));
}

function make_tasks_area(frm, $wrapper) {
	$wrapper.html(`
		<div class="cl-tasks">
			<div class="cl-task-add d-flex flex-wrap align-items-start" style="gap: var(--padding-sm);">
				<input type="text" class="form-control cl-task-input" style="flex: 3 1 16rem;"
					placeholder="${__("Add a task…")}" aria-label="${__("New task")}">
				<div class="cl-task-assign" style="flex: 1 1 10rem;"></div>
				<div class="cl-task-date" style="flex: 1 1 8rem;"></div>
				<button type="button" class="btn btn-primary btn-sm cl-task-add-button">${__("Add")}</button>
			</div>
			<div class="d-flex justify-content-between align-items-center mt-3">
				<span class="small text-muted">${__("Today's tasks come first: made or due today.")}</span>
				<button type="button" class="btn btn-xs btn-default cl-task-scope">${__("Show all tasks")}</button>
			</div>
			<ul class="cl-task-list list-unstyled mt-2 mb-0"></ul>
			<div class="cl-task-empty text-muted small">${__("No tasks yet.")}</div>
		</div>
	`);
	const control = (parent, df) =>
		frappe.ui.form.make_control({ parent: $wrapper.find(parent), df, render_input: true });
	const assign = control(".cl-task-assign", {
		fieldtype: "Link",
		options: "User",
		fieldname: "cl_task_assign_to",
		placeholder: __("Assign to (me)"),
	});
	const date = control(".cl-task-date", {
		fieldtype: "Date",
		fieldname: "cl_task_date",
		placeholder: __("Due date"),
	});
	// the controls sit in a row, without the form's field labels and margins
	$wrapper.find(".cl-task-add .control-label, .cl-task-add .help-box").remove();
	$wrapper.find(".cl-task-add .frappe-control, .cl-task-add .form-group").css("margin-bottom", 0);

	// no <form> elements here: the form's layout is a form already, and forms do not nest
	const add = () => {
		const $input = $wrapper.find(".cl-task-input");
		const description = $input.val().trim();
		if (!description) return;
		api_post("add_task", {
			customer: frm.doc.name,
			description,
			assign_to: assign.get_value() || null,
			date: date.get_value() || null,
		}).then(() => {
			$input.val("");
			assign.set_value("");
			date.set_value("");
			customer_lifecycle.c360.load(frm);
		});
	};
	$wrapper.find(".cl-task-add-button").on("click", add);
	$wrapper.find(".cl-task-scope").on("click", () => {
		frm.cl_task_scope = frm.cl_task_scope === "all" ? "today" : "all";
		customer_lifecycle.c360.load(frm);
	});
	$wrapper.find(".cl-task-input").on("keydown", (e) => {
		if (e.key !== "Enter") return;
		e.preventDefault();
		add();
	});

	$wrapper.on("change", ".cl-task-check", (e) => {
		const $row = $(e.currentTarget).closest(".cl-task");
		const method = e.currentTarget.checked ? "complete_task" : "reopen_task";
		api_post(method, { task: $row.attr("data-name") }).then(() =>
			customer_lifecycle.c360.load(frm)
		);
	});
	$wrapper.on("click", ".cl-task-edit", (e) =>
		start_edit($(e.currentTarget).closest(".cl-task"))
	);
	$wrapper.on("click", ".cl-task-cancel", () => customer_lifecycle.c360.load(frm));
	const save_edit = ($row) =>
		api_post("edit_task", {
			task: $row.attr("data-name"),
			description: $row.find(".cl-task-edit-input").val(),
		}).then(() => customer_lifecycle.c360.load(frm));
	$wrapper.on("click", ".cl-task-save", (e) => save_edit($(e.currentTarget).closest(".cl-task")));
	$wrapper.on("keydown", ".cl-task-edit-input", (e) => {
		if (e.key === "Enter") {
			e.preventDefault();
			save_edit($(e.currentTarget).closest(".cl-task"));
		}
		if (e.key === "Escape") customer_lifecycle.c360.load(frm);
	});
	$wrapper.on("click", ".cl-task-delete", (e) => {
		const $row = $(e.currentTarget).closest(".cl-task");
		frappe.confirm(__("Delete this task for good?"), () =>
			api_post("delete_task", { task: $row.attr("data-name") }).then(() =>
				customer_lifecycle.c360.load(frm)
			)
		);
	});
}

function task_row(task) {
	const esc = frappe.utils.escape_html;
	const closed = task.status === "Closed";
	const meta = [
		task.allocated_to_name || task.allocated_to,
		task.date ? __("due {0}", [frappe.datetime.str_to_user(task.date)]) : "",
		task.today ? __("today") : "",
	]
		.filter(Boolean)
		.map(esc)
		.join(" · ");
	const text = closed
		? `<s class="cl-task-text text-muted">${esc(task.text)}</s>`
		: `<span class="cl-task-text">${esc(task.text)}</span>`;
	return $(`
		<li class="cl-task d-flex align-items-center py-1 ${closed ? "closed" : "open"} ${task.today ? "today" : ""}"
			data-name="${esc(task.name)}" style="gap: var(--padding-sm);">
			<input type="checkbox" class="cl-task-check m-0" ${closed ? "checked" : ""}
				title="${closed ? __("Reopen") : __("Mark as done")}"
				aria-label="${closed ? __("Reopen") : __("Mark as done")}">
			<div class="cl-task-body flex-grow-1">
				${text}
				<span class="cl-task-meta small text-muted ml-2">${meta}</span>
			</div>
			<button type="button" class="btn btn-xs btn-default cl-task-edit" title="${__("Edit")}"
				aria-label="${__("Edit")}">${frappe.utils.icon("edit", "xs")}</button>
			<button type="button" class="btn btn-xs btn-default cl-task-delete" title="${__("Delete")}"
				aria-label="${__("Delete")}">${frappe.utils.icon("delete", "xs")}</button>
		</li>
	`).data("task", task);
}

function start_edit($row) {
	const task = $row.data("task");
	$row.find(".cl-task-body").html(`
		<div class="cl-task-edit-form d-flex align-items-center" style="gap: var(--padding-xs);">
			<input type="text" class="form-control input-xs cl-task-edit-input" aria-label="${__("Task")}">
			<button type="button" class="btn btn-xs btn-success cl-task-save" title="${__("Save")}"
				aria-label="${__("Save")}">${frappe.utils.icon("tick", "xs")}</button>
			<button type="button" class="btn btn-xs btn-default cl-task-cancel" title="${__("Cancel")}"
				aria-label="${__("Cancel")}">${frappe.utils.icon("close", "xs")}</button>
		</div>
	`);
	$row.find(".cl-task-edit-input").val(task.text).trigger("focus");
	$row.find(".cl-task-edit, .cl-task-delete").addClass("hidden");
}

// ---- "My favourites" in the customer list ----

// customer_list.js calls this from its onload, and refresh_favourites_filter from its refresh
customer_lifecycle.c360.add_favourites_filter = function (listview) {
	listview.$cl_favourites = customer_lifecycle.add_sidebar_filter(listview, {
		css_class: "cl-my-favourites",
		title: __("Customers you marked with the heart"),
		label: `${frappe.utils.icon("es-solid-heart", "xs")} ${__("My favourites")}`,
		fieldname: "_liked_by",
		filter: favourites_filter,
		is_set: has_favourites_filter,
	});
};

customer_lifecycle.c360.refresh_favourites_filter = function (listview) {
	listview.$cl_favourites?.toggleClass("btn-primary-light", has_favourites_filter(listview));
};

// the filter of Frappe's own "liked by me" heart in the list header
function favourites_filter() {
	return ["Customer", "_liked_by", "like", `%${frappe.session.user}%`];
}

function has_favourites_filter(listview) {
	return listview.filter_area.get().some((f) => f[1] === "_liked_by" && f[2] === "like");
}
