// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

// Flags and notes on the customer form (seed 002):
// - a "Raise Flag" button, and the active flags above the form as an alert in the colour of the
//   most severe one, each with its reason, who raised it and a Resolve button that asks for a note;
// - the notes list of the "Notes & Tasks" tab (customer_lifecycle.api.notes.get_notes): pinned
//   first, newest first, paged; add, edit, delete (where allowed), pin; an email marker on notes
//   logged from emails;
// - list_indicator_html(doc), the customer list's flag marker (called from customer_list.js).

import { api_client } from "./api_client";

frappe.provide("customer_lifecycle.flags");
frappe.provide("customer_lifecycle.notes");

const NOTES_API = "customer_lifecycle.api.notes";
const NOTES_PAGE_LENGTH = 20;

customer_lifecycle.flags.SEVERITY_COLOURS = { High: "red", Medium: "orange", Low: "yellow" };
customer_lifecycle.flags.SEVERITIES = ["Low", "Medium", "High"];

frappe.ui.form.on("Customer", {
	refresh(frm) {
		customer_lifecycle.flags.refresh(frm);
		customer_lifecycle.notes.refresh(frm);
	},
});

const { get: notes_get, post: notes_post } = api_client(NOTES_API);

const esc = (value) => frappe.utils.escape_html(value == null ? "" : String(value));

// ---- flags ----

// The customer list's marker: a dot in the colour of the customer's most severe active flag, its
// reason on hover ("" for a customer without an active flag). Needs active_flag and flag_severity.
customer_lifecycle.flags.list_indicator_html = function (doc) {
	if (!doc || !doc.active_flag) return "";
	const severity = doc.flag_severity || "Medium";
	const colour = customer_lifecycle.flags.SEVERITY_COLOURS[severity] || "orange";
	const title = __("Flag ({0}): {1}", [__(severity), doc.active_flag]);
	return `<span class="indicator ${colour} cl-flag-indicator" title="${esc(title)}"
		data-severity="${esc(severity)}"></span>`;
};

customer_lifecycle.flags.refresh = function (frm) {
	const $alert = get_flag_alert(frm);
	if (frm.is_new()) {
		$alert.addClass("hidden").empty();
		return;
	}
	if (frappe.model.can_create("Customer Flag")) {
		frm.add_custom_button(__("Raise Flag"), () => customer_lifecycle.flags.raise_dialog(frm));
	}
	if (!frm.doc.active_flag) {
		// the customer's flag fields say whether anything is active: no request for most customers
		$alert.addClass("hidden").empty();
		return;
	}
	const customer = frm.doc.name;
	notes_get("get_active_flags", { customer }).then((flags) => {
		if (frm.doc.name !== customer) return; // the form moved on to another customer
		render_flag_alert(frm, $alert, flags);
	});
};

function get_flag_alert(frm) {
	// just below Frappe's own headline message (the archived notice uses that one)
	if (!frm.$cl_flags || !frm.$cl_flags.closest("body").length) {
		frm.$cl_flags = $(`<div class="form-message cl-flag-alert hidden"></div>`).insertAfter(
			frm.layout.message
		);
		frm.$cl_flags.on("click", ".cl-resolve-flag", (e) =>
			customer_lifecycle.flags.resolve_dialog(frm, $(e.currentTarget).attr("data-flag"))
		);
	}
	return frm.$cl_flags;
}

function render_flag_alert(frm, $alert, flags) {
	Object.values(customer_lifecycle.flags.SEVERITY_COLOURS).forEach((c) => $alert.removeClass(c));
	if (!flags.length) {
		$alert.addClass("hidden").empty();
		return;
	}
	const colours = customer_lifecycle.flags.SEVERITY_COLOURS;
	const can_resolve = frappe.model.can_write("Customer Flag");
	const rows = flags
		.map(
			(flag) => `<div class="cl-flag d-flex align-items-center justify-content-between py-1"
				data-flag="${esc(flag.name)}" data-severity="${esc(flag.severity)}">
				<div>
					<span class="indicator ${colours[flag.severity] || "orange"}"></span>
					<strong class="cl-flag-reason">${esc(flag.reason)}</strong>
					<span class="text-muted small ml-2">
						${esc(__(flag.severity))} · ${esc(
				__("raised by {0}", [flag.raised_by_name || flag.raised_by])
			)} · ${frappe.datetime.comment_when(flag.raised_on)}
					</span>
				</div>
				${
					can_resolve
						? `<button class="btn btn-xs btn-default cl-resolve-flag ml-2"
							data-flag="${esc(flag.name)}">${__("Resolve")}</button>`
						: ""
				}
			</div>`
		)
		.join("");
	$alert
		.html(rows)
		.addClass(colours[flags[0].severity] || "orange")
		.removeClass("hidden");
}

customer_lifecycle.flags.raise_dialog = function (frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Raise Flag on {0}", [frm.doc.customer_name]),
		fields: [
			{
				fieldname: "reason",
				fieldtype: "Data",
				label: __("Reason"),
				reqd: 1,
				description: __("Shown on the form and, on hover, in the customer list."),
			},
			{
				fieldname: "severity",
				fieldtype: "Select",
				label: __("Severity"),
				options: customer_lifecycle.flags.SEVERITIES.map((s) => ({
					value: s,
					label: __(s),
				})),
				default: "Medium",
				reqd: 1,
			},
		],
		primary_action_label: __("Raise Flag"),
		primary_action(values) {
			notes_post("raise_flag", { customer: frm.doc.name, ...values }).then(() => {
				dialog.hide();
				frappe.show_alert({ message: __("Flag raised"), indicator: "orange" });
				frm.reload_doc();
			});
		},
	});
	dialog.show();
};

customer_lifecycle.flags.resolve_dialog = function (frm, flag) {
	const dialog = new frappe.ui.Dialog({
		title: __("Resolve Flag"),
		fields: [
			{
				fieldname: "note",
				fieldtype: "Small Text",
				label: __("Resolution Note"),
				reqd: 1,
				description: __(
					"How was it resolved? The flag is kept in the customer's flag history."
				),
			},
		],
		primary_action_label: __("Resolve"),
		primary_action(values) {
			notes_post("resolve_flag", { flag, note: values.note }).then(() => {
				dialog.hide();
				frappe.show_alert({ message: __("Flag resolved"), indicator: "green" });
				frm.reload_doc();
			});
		},
	});
	dialog.show();
};

// ---- notes ----

customer_lifecycle.notes.refresh = function (frm) {
	const field = frm.fields_dict.notes_html;
	if (!field) return;
	if (frm.is_new()) {
		field.$wrapper.empty();
		return;
	}
	frm.cl_notes = { customer: frm.doc.name, notes: [], has_more: false };
	return load_notes(frm, 0);
};

function load_notes(frm, start) {
	const customer = frm.doc.name;
	return notes_get("get_notes", { customer, start, page_length: NOTES_PAGE_LENGTH }).then(
		(page) => {
			if (frm.doc.name !== customer) return;
			const state = frm.cl_notes;
			state.notes = start ? state.notes.concat(page.notes) : page.notes;
			Object.assign(state, {
				has_more: page.has_more,
				can_add: page.can_add,
				can_pin: page.can_pin,
			});
			render_notes(frm);
		}
	);
}

function get_notes_wrapper(frm) {
	const $wrapper = frm.fields_dict.notes_html.$wrapper;
	if (!$wrapper.data("cl-notes-bound")) {
		$wrapper.data("cl-notes-bound", true);
		const note_of = (e) => $(e.currentTarget).closest(".cl-note").attr("data-name");
		const find = (name) => frm.cl_notes.notes.find((n) => n.name === name);
		$wrapper
			.on("click", ".cl-add-note", () => customer_lifecycle.notes.add_dialog(frm))
			.on("click", ".cl-more-notes", () => load_notes(frm, frm.cl_notes.notes.length))
			.on("click", ".cl-edit-note", (e) => edit_dialog(frm, find(note_of(e))))
			.on("click", ".cl-delete-note", (e) => delete_note(frm, note_of(e)))
			.on("click", ".cl-pin-note", (e) => {
				const note = find(note_of(e));
				notes_post("pin_note", { note: note.name, pinned: note.pinned ? 0 : 1 }).then(() =>
					customer_lifecycle.notes.refresh(frm)
				);
			});
	}
	return $wrapper;
}

function render_notes(frm) {
	const state = frm.cl_notes;
	const $wrapper = get_notes_wrapper(frm);
	const items = state.notes.map((note) => note_html(note, state)).join("");
	$wrapper.html(`<div class="cl-notes">
		${
			state.can_add
				? `<div class="mb-3"><button class="btn btn-xs btn-default cl-add-note">
					${frappe.utils.icon("add", "xs")} ${__("Add Note")}</button></div>`
				: ""
		}
		<div class="cl-notes-list">
			${items || `<div class="text-muted small cl-no-notes">${__("No notes yet.")}</div>`}
		</div>
		${
			state.has_more
				? `<button class="btn btn-xs btn-link cl-more-notes">${__("Show more")}</button>`
				: ""
		}
	</div>`);
}

function note_html(note, state) {
	const markers = [
		note.pinned &&
			`<span class="cl-note-pinned" title="${esc(__("Pinned"))}">
				${frappe.utils.icon("es-solid-pin", "xs")}</span>`,
		note.communication &&
			`<a class="cl-note-email badge badge-light" title="${esc(__("Logged from an email"))}"
				href="/app/communication/${encodeURIComponent(note.communication)}">
				${frappe.utils.icon("es-line-email", "xs")} ${__("Email")}</a>`,
		note.visibility === "Customer-visible" &&
			`<span class="cl-note-visible indicator-pill green">${__("Customer-visible")}</span>`,
		note.edited && `<span class="text-muted small">${__("edited")}</span>`,
	].filter(Boolean);
	const button = (cls, icon, label) =>
		`<button class="btn btn-xs btn-link text-muted ${cls}" title="${esc(label)}">
			${frappe.utils.icon(icon, "xs")} ${esc(label)}</button>`;
	const actions = [
		state.can_pin &&
			(note.pinned
				? button("cl-pin-note", "es-line-unpin", __("Unpin"))
				: button("cl-pin-note", "es-line-pin", __("Pin"))),
		note.can_edit && button("cl-edit-note", "es-line-edit", __("Edit")),
		note.can_delete && button("cl-delete-note", "es-line-delete", __("Delete")),
	].filter(Boolean);
	return `<div class="cl-note border rounded p-3 mb-2 ${note.pinned ? "cl-note-is-pinned" : ""}"
			data-name="${esc(note.name)}">
		<div class="d-flex align-items-center justify-content-between">
			<div class="d-flex align-items-center small">
				${frappe.avatar(note.owner, "avatar-xs")}
				<span class="cl-note-author ml-2 font-weight-bold">${esc(note.author)}</span>
				<span class="cl-note-time text-muted ml-2" title="${esc(
					frappe.datetime.str_to_user(note.creation)
				)}">${frappe.datetime.comment_when(note.creation)}</span>
				<span class="ml-2 d-flex align-items-center" style="gap: var(--margin-xs)">
					${markers.join("")}</span>
			</div>
			<div class="cl-note-actions">${actions.join("")}</div>
		</div>
		<div class="cl-note-content ql-editor read-mode mt-2 p-0">${note.content}</div>
	</div>`;
}

function note_fields(note) {
	return [
		{
			fieldname: "content",
			fieldtype: "Text Editor",
			label: __("Note"),
			reqd: 1,
			default: note ? note.content : "",
		},
		{
			fieldname: "visibility",
			fieldtype: "Select",
			label: __("Visibility"),
			options: [
				{ value: "Internal", label: __("Internal") },
				{ value: "Customer-visible", label: __("Customer-visible") },
			],
			default: note ? note.visibility : "Internal",
			description: __("Customer-visible notes will show on the customer's portal."),
		},
	];
}

// a dialog that adds a note to the customer (the 360 header's Note button may call it too)
customer_lifecycle.notes.add_dialog = function (frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("New Note for {0}", [frm.doc.customer_name]),
		fields: note_fields(null),
		primary_action_label: __("Add Note"),
		primary_action(values) {
			notes_post("add_note", { customer: frm.doc.name, ...values }).then(() => {
				dialog.hide();
				frappe.show_alert({ message: __("Note added"), indicator: "green" });
				customer_lifecycle.notes.refresh(frm);
			});
		},
	});
	dialog.show();
	return dialog;
};

function edit_dialog(frm, note) {
	const dialog = new frappe.ui.Dialog({
		title: __("Edit Note"),
		fields: note_fields(note),
		primary_action_label: __("Save"),
		primary_action(values) {
			notes_post("edit_note", { note: note.name, ...values }).then(() => {
				dialog.hide();
				customer_lifecycle.notes.refresh(frm);
			});
		},
	});
	dialog.show();
}

function delete_note(frm, name) {
	frappe.confirm(__("Delete this note permanently?"), () =>
		notes_post("delete_note", { note: name }).then(() => customer_lifecycle.notes.refresh(frm))
	);
}
