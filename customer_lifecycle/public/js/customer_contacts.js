// The customer form's "Contacts & Addresses" tab: Frappe's own contact and address cards (with
// their New and Edit buttons), a key marker on addresses that have an access contact (seed 003),
// and pickers for the primary contact and billing address limited to this customer's records.

frappe.provide("customer_lifecycle.contacts");

frappe.ui.form.on("Customer", {
	setup(frm) {
		const linked_to_this = (query) => () => ({
			query,
			filters: { link_doctype: frm.doctype, link_name: frm.doc.name },
		});
		frm.set_query(
			"primary_contact",
			linked_to_this("frappe.contacts.doctype.contact.contact.contact_query")
		);
		frm.set_query(
			"billing_address",
			linked_to_this("frappe.contacts.doctype.address.address.address_query")
		);
	},

	refresh(frm) {
		// new Contacts and Addresses made from this form link back to this customer
		frappe.dynamic_link = { doc: frm.doc, fieldname: "name", doctype: frm.doctype };
		if (frm.is_new()) {
			frappe.contacts.clear_address_and_contact(frm);
			return;
		}
		frappe.contacts.render_address_and_contact(frm);
		customer_lifecycle.contacts.mark_addresses(frm);
	},
});

customer_lifecycle.contacts.mark_addresses = function (frm) {
	const addresses = (frm.doc.__onload && frm.doc.__onload.addr_list) || [];
	const boxes = $(frm.fields_dict.address_html.wrapper).find(".address-box");
	addresses.forEach((addr, i) => {
		const heading = $(boxes[i]).find("p.h6");
		if (addr.is_site_address) {
			heading.append(
				`&nbsp;&#183;&nbsp;<span class="text-muted">${__("Site Address")}</span>`
			);
		}
		if (addr.access_contact_name) {
			const who = [
				addr.access_contact_name,
				addr.access_contact_relationship && __(addr.access_contact_relationship),
				addr.access_contact_phone,
			]
				.filter(Boolean)
				.join(" · ");
			$(`<span class="cl-access-contact ml-2" data-address="${encodeURIComponent(addr.name)}">
					${frappe.utils.icon("lock", "xs")}
				</span>`)
				.attr("title", __("Access contact: {0}", [who]))
				.appendTo(heading);
		}
	});
};
