frappe.listview_settings["Service Subscription"] = {
	add_fields: ["status", "status_reason"],
	get_indicator(doc) {
		const colour = { Active: "green", "On Hold": "orange", Ended: "gray" }[doc.status] || "gray";
		return [__(doc.status), colour, `status,=,${doc.status}`];
	},
};
