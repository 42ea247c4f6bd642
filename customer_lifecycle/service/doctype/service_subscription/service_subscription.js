// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

frappe.ui.form.on("Service Subscription", {
	setup(frm) {
		frm.set_query("customer", () => ({ filters: { archived: 0 } }));
		frm.set_query("plan", () => ({ filters: { disabled: 0 } }));
		// one of the customer's addresses marked as a site address
		frm.set_query("site_address", () => ({
			query: "frappe.contacts.doctype.address.address.address_query",
			filters: { link_doctype: "Customer", link_name: frm.doc.customer || "", is_site_address: 1, disabled: 0 },
		}));
		frm.set_query("assigned_to", () => ({ filters: { user_type: "System User", enabled: 1 } }));
	},
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Visits in Calendar"), () => frappe.set_route("List", "Event", "Calendar", "default"));
		frm.add_custom_button(__("Visits"), () =>
			frappe.set_route("List", "Event", { reference_doctype: frm.doc.doctype, reference_docname: frm.doc.name })
		);
		frm.add_custom_button(__("Invoices"), () =>
			frappe.set_route("List", "Customer Invoice", { service_subscription: frm.doc.name })
		);
	},
	customer(frm) {
		frm.set_value("site_address", null);
	},
});
