// Portal access on the Customer form: a "Portal Access" button lists the customer's contacts with
// whether each has a portal login; a Customer Manager invites one (Frappe's welcome email) or
// revokes it. The server checks the role and the customer's permission again.

frappe.provide("customer_lifecycle.portal");

frappe.ui.form.on("Customer", {
	refresh(frm) {
		if (frm.is_new() || !frappe.user.has_role(["Customer Manager", "System Manager"])) return;
		frm.add_custom_button(__("Portal Access"), () => customer_lifecycle.portal.show(frm));
	},
});

customer_lifecycle.portal.API = "customer_lifecycle.api.portal.";

customer_lifecycle.portal.show = function (frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Portal Access"),
		fields: [{ fieldtype: "HTML", fieldname: "rows" }],
	});
	const render = (rows) => {
		const wrapper = dialog.fields_dict.rows.$wrapper.empty();
		if (!rows.length) {
			wrapper.html(
				`<p class="text-muted">${__("Add a contact with an email address first.")}</p>`
			);
			return;
		}
		rows.forEach((row) => {
			const who = frappe.utils.escape_html(row.full_name || row.contact);
			const email = frappe.utils.escape_html(row.email_id || __("no email address"));
			const state = row.has_access
				? `<span class="indicator-pill green">${__("Has access")}</span>`
				: `<span class="indicator-pill gray">${__("No access")}</span>`;
			const line = $(`<div class="d-flex justify-content-between align-items-center border-bottom py-2 cl-portal-row">
					<div><div>${who}</div><div class="text-muted small">${email}</div></div>
					<div>${state} <button class="btn btn-xs btn-default ml-2"></button></div>
				</div>`);
			const button = line.find("button");
			button.text(row.has_access ? __("Revoke") : __("Invite"));
			button.prop("disabled", !row.email_id && !row.has_access);
			button.on("click", () => {
				const method = row.has_access ? "revoke" : "invite";
				frappe
					.call({
						method: customer_lifecycle.portal.API + method,
						args: { contact: row.contact },
						freeze: true,
					})
					.then((r) => {
						render(r.message || []);
						frappe.show_alert({
							message: row.has_access
								? __("Portal access revoked.")
								: __("Invitation sent to {0}.", [email]),
							indicator: "green",
						});
						frm.reload_doc();
					});
			});
			wrapper.append(line);
		});
	};
	frappe
		.call({
			method: customer_lifecycle.portal.API + "get_portal_access",
			type: "GET",
			args: { customer: frm.doc.name },
		})
		.then((r) => {
			render(r.message || []);
			dialog.show();
		});
};
