// The customer form's Requests tab: the customer's information requests in a table like the ledgers'
// (customer_ledgers.js), newest first, with New Information Request and, on a draft, Send.

frappe.provide("customer_lifecycle.requests");

const REQUESTS_API = "customer_lifecycle.api.requests";

customer_lifecycle.ledgers.TABS.requests = {
	field: "requests_html",
	doctype: "Information Request",
	api: `${REQUESTS_API}.customer_requests`,
	empty: __("No information requests yet."),
	columns: [
		[__("Request"), (row) => customer_lifecycle.ledgers.cells.link("Information Request", row.name, row.title)],
		[__("Status"), (row) => customer_lifecycle.ledgers.cells.pill(row.status)],
		[__("Asked"), (row) => frappe.utils.escape_html(row.contact_email || row.contact || "")],
		[__("Due Date"), (row) => customer_lifecycle.ledgers.cells.date(row.due_date)],
		[__("Provided"), (row) => `${cint(row.progress)}%`, "text-right"],
		[__("Sent On"), (row) => customer_lifecycle.ledgers.cells.date(row.sent_on)],
		[
			"",
			(row) =>
				row.status === "Draft" && frappe.model.can_write("Information Request")
					? customer_lifecycle.ledgers.cells.action("send", row.name, __("Send"))
					: "",
			"text-right",
		],
	],
	bind(frm, $wrapper) {
		$wrapper.find("[data-action=send]").on("click", (e) =>
			customer_lifecycle.requests.send($(e.currentTarget).attr("data-name"), () =>
				customer_lifecycle.ledgers.load(frm, "requests", 0)
			)
		);
	},
};

// send a request (or send it again), after the user confirms; then `after`
customer_lifecycle.requests.send = function (name, after) {
	frappe.confirm(__("Email this request to its contact now?"), () =>
		frappe
			.xcall(`${REQUESTS_API}.send`, { request: name })
			.then((r) => {
				frappe.show_alert({ message: __("Sent: {0}", [__(r.status)]), indicator: "green" });
				after && after(r);
			})
	);
};
