// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

// An information request: the contact is one of the customer's (its primary contact by default);
// Send (a draft) or Send Again (an open request) emails the contact the way to answer.

frappe.ui.form.on("Information Request", {
	setup(frm) {
		frm.set_query("contact", () => ({
			query: "frappe.contacts.doctype.contact.contact.contact_query",
			filters: { link_doctype: "Customer", link_name: frm.doc.customer },
		}));
	},

	refresh(frm) {
		if (frm.is_new() || !frm.perm[0]?.write) return;
		const open = ["Sent", "Partly Answered", "Overdue"].includes(frm.doc.status);
		if (frm.doc.status === "Draft" || open) {
			const label = frm.doc.status === "Draft" ? __("Send") : __("Send Again");
			frm.add_custom_button(label, () => {
				const send = () => customer_lifecycle.requests.send(frm.doc.name, () => frm.reload_doc());
				frm.is_dirty() ? frm.save().then(send) : send();
			});
		}
	},

	customer(frm) {
		if (!frm.doc.customer) return;
		frappe.db.get_value("Customer", frm.doc.customer, "primary_contact").then((r) => {
			frm.set_value("contact", r.message?.primary_contact || "");
		});
	},
});
