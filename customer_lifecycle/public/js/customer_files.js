// The customer form's Files tab (customer_lifecycle.api.files): the customer's folders (custom ones
// made here, engagement ones made by their engagement and marked so), the files of the folder opened,
// the newest files of all, Add Folder, and Upload into a chosen folder (Frappe's own uploader).
// Renaming or removing an engagement's folder is refused by the server; here it is not offered.

import { api_client } from "./api_client";

frappe.provide("customer_lifecycle.files");

const { get: files_get, post: files_post } = api_client("customer_lifecycle.api.files");

frappe.ui.form.on("Customer", {
	refresh(frm) {
		frm.cl_files_folder = frm.cl_files_customer === frm.doc.name ? frm.cl_files_folder : null;
		frm.cl_files_customer = frm.doc.name;
		customer_lifecycle.files.load(frm);
	},
});

customer_lifecycle.files.load = function (frm) {
	const field = frm.fields_dict.files_html;
	if (!field) return;
	const $wrapper = $(field.wrapper);
	if (frm.is_new()) return $wrapper.empty();
	const customer = frm.doc.name;
	return files_get("customer_files", { customer, folder: frm.cl_files_folder || null }).then((data) => {
		if (frm.doc.name !== customer) return;
		render(frm, $wrapper, data);
	});
};

function render(frm, $wrapper, data) {
	const esc = frappe.utils.escape_html;
	const can_write = frm.perm[0]?.write;
	const short = (folder) => folder.slice(data.root.length + 1);
	const folder_rows = data.folders
		.map(
			(f) => `<li class="cl-folder d-flex align-items-center py-1 ${f.name === data.folder ? "font-weight-bold" : ""}"
				data-name="${esc(f.name)}" data-engagement="${f.engagement ? 1 : 0}" style="gap: var(--padding-sm);">
				<span class="cl-folder-icon" style="flex: none;">${frappe.utils.icon("folder-normal", "sm")}</span>
				<a href="#" class="cl-folder-open">${esc(f.file_name)}</a>
				<span class="small text-muted flex-grow-1">${f.files === 1 ? __("1 file") : __("{0} files", [f.files])}</span>
				${
					f.engagement
						? `<span class="badge badge-secondary cl-folder-engagement">${__("Engagement")}</span>`
						: can_write
						? `<button type="button" class="btn btn-xs btn-default cl-folder-rename">${__("Rename")}</button>
						   <button type="button" class="btn btn-xs btn-default cl-folder-remove">${__("Remove")}</button>`
						: ""
				}
			</li>`
		)
		.join("");
	const file_rows = (rows, show_folder) =>
		rows
			.map(
				(f) => `<tr class="cl-file" data-name="${esc(f.name)}">
					<td><a href="${esc(f.file_url || "")}" target="_blank" rel="noopener">${esc(f.file_name || f.name)}</a></td>
					${show_folder ? `<td class="text-muted">${esc(f.folder === data.root ? __("(no folder)") : short(f.folder))}</td>` : ""}
					<td class="text-muted">${frappe.datetime.str_to_user(f.creation)}</td>
					<td class="text-right text-muted">${size(f.file_size)}</td>
				</tr>`
			)
			.join("");
	const table = (rows, show_folder, empty, css) =>
		rows.length
			? `<table class="table table-sm ${css}"><tbody>${file_rows(rows, show_folder)}</tbody></table>`
			: `<p class="text-muted small ${css}-empty">${empty}</p>`;
	const here = data.folder === data.root ? __("Files in no folder") : __("Files in {0}", [esc(short(data.folder))]);
	$wrapper.html(`<div class="cl-files">
		<div class="cl-files-actions d-flex flex-wrap mb-3" style="gap: var(--padding-sm);">
			${can_write ? `<button type="button" class="btn btn-xs btn-default cl-folder-add">${__("Add Folder")}</button>` : ""}
			${can_write ? `<button type="button" class="btn btn-xs btn-primary cl-file-upload">${__("Upload")}</button>` : ""}
		</div>
		<h6 class="text-muted">${__("Recent Files")}</h6>
		${table(data.recent, true, __("No files yet."), "cl-files-recent")}
		<h6 class="text-muted mt-3">${__("Folders")}</h6>
		${
			data.folders.length
				? `<ul class="list-unstyled cl-folders mb-0">${folder_rows}</ul>`
				: `<p class="text-muted small">${__("No folders yet.")}</p>`
		}
		<h6 class="text-muted mt-3 cl-files-here">${here}
			${data.folder !== data.root ? `<a href="#" class="cl-folder-root small ml-2">${__("Show files in no folder")}</a>` : ""}
		</h6>
		${table(data.files, false, __("No files here."), "cl-files-list")}
	</div>`);

	const reload = () => customer_lifecycle.files.load(frm);
	const name_of = (e) => $(e.currentTarget).closest(".cl-folder").attr("data-name");
	$wrapper.find(".cl-folder-open").on("click", (e) => {
		e.preventDefault();
		frm.cl_files_folder = name_of(e);
		reload();
	});
	$wrapper.find(".cl-folder-root").on("click", (e) => {
		e.preventDefault();
		frm.cl_files_folder = null;
		reload();
	});
	$wrapper.find(".cl-folder-add").on("click", () =>
		frappe.prompt(
			{ fieldname: "folder_name", fieldtype: "Data", label: __("Folder Name"), reqd: 1 },
			({ folder_name }) =>
				files_post("add_folder", { customer: frm.doc.name, folder_name }).then(reload),
			__("Add Folder"),
			__("Add")
		)
	);
	$wrapper.find(".cl-folder-rename").on("click", (e) => {
		const folder = name_of(e);
		frappe.prompt(
			{ fieldname: "new_name", fieldtype: "Data", label: __("Folder Name"), reqd: 1, default: short(folder) },
			({ new_name }) =>
				files_post("rename_folder", { customer: frm.doc.name, folder, new_name }).then((r) => {
					if (frm.cl_files_folder === folder) frm.cl_files_folder = r.folder;
					reload();
				}),
			__("Rename Folder"),
			__("Rename")
		);
	});
	$wrapper.find(".cl-folder-remove").on("click", (e) => {
		const folder = name_of(e);
		frappe.confirm(__("Remove the folder {0}?", [esc(short(folder))]), () =>
			files_post("remove_folder", { customer: frm.doc.name, folder }).then(() => {
				if (frm.cl_files_folder === folder) frm.cl_files_folder = null;
				reload();
			})
		);
	});
	$wrapper.find(".cl-file-upload").on("click", () => upload(frm, data, reload));
}

function size(bytes) {
	if (!bytes) return "";
	const units = ["B", "KB", "MB", "GB"];
	const power = Math.min(Math.floor(Math.log(bytes) / Math.log(1024)), units.length - 1);
	return `${power ? (bytes / 1024 ** power).toFixed(1) : bytes} ${units[power]}`;
}

// choose a folder (only the custom ones: an engagement's files are uploaded on the engagement), then
// Frappe's uploader attaches the file to the customer in that folder
function upload(frm, data, after) {
	const custom = data.folders.filter((f) => !f.engagement);
	const dialog = new frappe.ui.Dialog({
		title: __("Upload"),
		fields: [
			{
				fieldname: "folder",
				fieldtype: "Select",
				label: __("Folder"),
				options: [{ value: "", label: __("(no folder)") }].concat(
					custom.map((f) => ({ value: f.name, label: f.file_name }))
				),
				default: custom.some((f) => f.name === data.folder) ? data.folder : "",
			},
		],
		primary_action_label: __("Choose File"),
		primary_action({ folder }) {
			dialog.hide();
			new frappe.ui.FileUploader({
				doctype: frm.doctype,
				docname: frm.doc.name,
				folder: folder || data.root,
				on_success() {
					frm.cl_files_folder = folder || null;
					after();
					customer_lifecycle.c360.load(frm);
				},
			});
		},
	});
	dialog.show();
}
