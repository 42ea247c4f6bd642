// Copyright (c) 2026, customer_lifecycle developers
// License: MIT

frappe.ui.form.on("Engagement", {
	setup(frm) {
		frm.set_query("customer", () => ({ filters: { archived: 0 } }));
	},
	refresh(frm) {
		customer_lifecycle.engagements.load_time(frm);
		if (frm.is_new() || !frm.perm[0]?.write) return;
		const delivered = frm.doc.status === "Delivered";
		if (frm.doc.status !== "Cancelled") {
			frm.add_custom_button(delivered ? __("Mark as Undelivered") : __("Mark as Delivered"), () =>
				customer_lifecycle.engagements.set_delivered([frm.doc.name], !delivered).then(() => frm.reload_doc())
			);
		}
		if (frappe.model.can_create("Customer Invoice")) {
			frm.add_custom_button(__("New Invoice"), () =>
				frappe.new_doc("Customer Invoice", { customer: frm.doc.customer, engagement: frm.doc.name })
			);
		}
	},
});

frappe.provide("customer_lifecycle.engagements");

// deliver (or undeliver) engagements by name; resolves with the names that changed
customer_lifecycle.engagements.set_delivered = function (names, delivered) {
	const method = delivered ? "mark_delivered" : "mark_undelivered";
	return frappe.xcall(`customer_lifecycle.api.billing.${method}`, { names }).then((changed) => {
		frappe.show_alert({
			message: delivered
				? __("{0} engagement(s) marked as delivered", [changed.length])
				: __("{0} engagement(s) marked as undelivered", [changed.length]),
			indicator: "green",
		});
		return changed;
	});
};

// The Time section: Log Time, the user's timer (started and stopped on the server, so it survives a
// reload), Invoice Unbilled Time, and the newest entries with the engagement's hours and unbilled value.
const TIME_API = "customer_lifecycle.api.time_entries";

customer_lifecycle.engagements.load_time = function (frm) {
	const field = frm.fields_dict.time_html;
	if (!field) return;
	const $wrapper = $(field.wrapper);
	clearInterval(frm.__timer_tick);
	if (frm.is_new()) return $wrapper.empty();
	frappe
		.call({ method: `${TIME_API}.engagement_time`, args: { engagement: frm.doc.name }, type: "GET" })
		.then((r) => render_time(frm, $wrapper, r.message));
};

function render_time(frm, $wrapper, data) {
	const esc = frappe.utils.escape_html;
	const money = (value) => format_currency(value || 0, data.currency);
	const timer = data.timer;
	const here = timer && timer.engagement === frm.doc.name;
	const can_log = frappe.model.can_create("Time Entry");
	const buttons = [
		can_log ? `<button class="btn btn-xs btn-default cl-time-log">${__("Log Time")}</button>` : "",
		can_log && !timer ? `<button class="btn btn-xs btn-default cl-time-start">${__("Start Timer")}</button>` : "",
		here ? `<button class="btn btn-xs btn-primary cl-time-stop">${__("Stop Timer")}</button>` : "",
		data.can_invoice && data.unbilled > 0
			? `<button class="btn btn-xs btn-default cl-time-invoice">${__("Invoice Unbilled Time")}</button>`
			: "",
	].join(" ");
	const running = timer
		? `<p class="cl-time-running text-warning">${
				here
					? __("Your timer is running since {0}", [frappe.datetime.str_to_user(timer.timer_started_at)])
					: __("Your timer is running on {0}", [
							`<a href="/app/engagement/${encodeURIComponent(timer.engagement)}">${esc(timer.engagement_title || timer.engagement)}</a>`,
					  ])
		  } <span class="cl-time-elapsed"></span></p>`
		: "";
	const rows = data.entries
		.map(
			(e) => `<tr>
				<td><a href="/app/time-entry/${encodeURIComponent(e.name)}">${frappe.datetime.str_to_user(e.date)}</a></td>
				<td>${esc(e.user)}</td><td>${esc(e.activity || "")}</td><td>${esc(e.description || "")}</td>
				<td class="text-right">${e.timer_started_at ? __("running") : format_number(e.hours, null, 2)}</td>
				<td class="text-right">${e.billable ? money(e.amount) : `<span class="text-muted">${__("not billable")}</span>`}</td>
				<td>${e.invoice ? `<a href="/app/customer-invoice/${encodeURIComponent(e.invoice)}">${esc(e.invoice)}</a>` : ""}</td>
			</tr>`
		)
		.join("");
	$wrapper.html(`<div class="cl-time">
		<div class="cl-time-actions">${buttons}</div>
		${running}
		<p class="cl-time-totals text-muted small">${__("{0} entries, {1} hours, unbilled {2}", [
			data.count,
			format_number(data.hours, null, 2),
			money(data.unbilled),
		])}</p>
		${
			rows
				? `<div class="table-responsive"><table class="table table-sm cl-time-table">
					<thead><tr><th>${__("Date")}</th><th>${__("User")}</th><th>${__("Activity")}</th><th>${__("Description")}</th>
					<th class="text-right">${__("Hours")}</th><th class="text-right">${__("Amount")}</th><th>${__("Invoice")}</th></tr></thead>
					<tbody>${rows}</tbody></table></div>`
				: `<p class="text-muted">${__("No time logged yet.")}</p>`
		}
	</div>`);
	if (here) tick(frm, $wrapper.find(".cl-time-elapsed"), timer.elapsed);
	$wrapper.find(".cl-time-log").on("click", () => frappe.new_doc("Time Entry", { engagement: frm.doc.name }));
	$wrapper.find(".cl-time-start").on("click", () => start_timer_dialog(frm));
	$wrapper.find(".cl-time-stop").on("click", () =>
		frappe.xcall(`${TIME_API}.stop_timer`, { entry: timer.name }).then((r) => {
			frappe.show_alert({ message: __("{0} hours logged", [format_number(r.hours, null, 2)]), indicator: "green" });
			customer_lifecycle.engagements.load_time(frm);
		})
	);
	$wrapper.find(".cl-time-invoice").on("click", () =>
		customer_lifecycle.time.invoice_dialog({ engagement: frm.doc.name })
	);
}

// the time since the timer started, counted on from the server's figure every 30 seconds
function tick(frm, $elapsed, elapsed) {
	const loaded = Date.now();
	const show = () => {
		const seconds = Math.floor(elapsed + (Date.now() - loaded) / 1000);
		$elapsed.text(`(${Math.floor(seconds / 3600)}:${String(Math.floor(seconds / 60) % 60).padStart(2, "0")})`);
	};
	show();
	frm.__timer_tick = setInterval(show, 30000);
}

function start_timer_dialog(frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Start Timer"),
		fields: [
			{
				fieldname: "activity",
				fieldtype: "Link",
				options: "Billing Activity",
				label: __("Activity"),
				reqd: 1,
				get_query: () => ({ filters: { disabled: 0 } }),
			},
			{ fieldname: "description", fieldtype: "Small Text", label: __("Description") },
			{ fieldname: "billable", fieldtype: "Check", label: __("Billable"), default: 1 },
		],
		primary_action_label: __("Start"),
		primary_action(values) {
			dialog.disable_primary_action();
			frappe
				.xcall(`${TIME_API}.start_timer`, { engagement: frm.doc.name, ...values })
				.then(() => {
					dialog.hide();
					customer_lifecycle.engagements.load_time(frm);
				})
				.finally(() => dialog.enable_primary_action());
		},
	});
	dialog.show();
}
