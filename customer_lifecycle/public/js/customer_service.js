// The customer form's Service tab: the customer's service plan subscriptions (plan, price, site, next
// visit, who makes the visits, and why one is on hold or ended), then the events associated with the
// customer, upcoming and past, its plan visits among them: tables of the ledgers' kind
// (customer_ledgers.js), a page at a time.

const SERVICE_API = "customer_lifecycle.api.service.customer_records";

(function () {
	const { link, pill, date, money } = customer_lifecycle.ledgers.cells;
	const esc = (value) => frappe.utils.escape_html(value || "");
	const event_columns = [
		[__("When"), (row) => date(row.starts_on)],
		[
			__("Event"),
			(row) => (row.can_open ? link("Event", row.name, row.subject) : esc(row.subject)),
		],
		[__("Status"), (row) => pill(row.status)],
		[__("Where"), (row) => esc(row.location)],
		[__("Who"), (row) => esc(row.owner_name)],
		[
			__("Service Plan"),
			(row) => (row.is_visit ? link("Service Subscription", row.reference_docname) : ""),
		],
	];

	Object.assign(customer_lifecycle.ledgers.TABS, {
		subscriptions: {
			field: "subscriptions_html",
			doctype: "Service Subscription",
			api: SERVICE_API,
			args: { ledger: "subscriptions" },
			empty: __("No service plan yet."),
			columns: [
				[__("Subscription"), (row) => link("Service Subscription", row.name, row.plan)],
				[
					__("Plan"),
					(row) =>
						`${esc(__(row.frequency))} · ${__("{0} visit(s) a period", [row.visits_per_period || 0])}`,
				],
				[__("Price"), (row) => money(row.price, row.currency), "text-right"],
				[__("Site"), (row) => esc(row.site)],
				[__("Next Visit"), (row) => date(row.next_visit_date)],
				[__("Visits By"), (row) => esc(row.assigned_to_name)],
				[
					__("Status"),
					(row) =>
						pill(row.status) +
						(row.status_reason ? `<div class="small text-muted cl-service-reason">${esc(row.status_reason)}</div>` : ""),
				],
			],
		},
		upcoming_events: {
			field: "upcoming_events_html",
			doctype: "Event",
			api: SERVICE_API,
			args: { ledger: "upcoming_events" },
			create: false,
			empty: __("No upcoming visits or events."),
			columns: event_columns,
		},
		past_events: {
			field: "past_events_html",
			doctype: "Event",
			api: SERVICE_API,
			args: { ledger: "past_events" },
			create: false,
			empty: __("No past visits or events."),
			columns: event_columns,
		},
	});
})();
