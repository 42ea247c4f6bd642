// The customer form's "Onboarding" tab. While the customer is onboarding: this round's checklist,
// with a progress bar, items to tick (who ticked them and when), due dates (overdue ones in red), the
// items the customer provides, and why the automatic move was refused if it was. Below, and
// afterwards: the finished rounds. Ticking the last required item moves the customer on; the form
// then reloads itself so the new lifecycle state shows.

frappe.provide("customer_lifecycle.onboarding");

const API = "customer_lifecycle.api.onboarding";

frappe.ui.form.on("Customer", {
	refresh(frm) {
		customer_lifecycle.onboarding.load(frm);
	},
});

customer_lifecycle.onboarding.load = function (frm) {
	const field = frm.fields_dict.onboarding_html;
	if (!field) return;
	const $wrapper = $(field.wrapper).empty();
	if (frm.is_new()) return;
	frappe
		.call({ method: `${API}.get_onboarding`, args: { customer: frm.doc.name }, type: "GET" })
		.then((r) => customer_lifecycle.onboarding.render(frm, $wrapper, r.message));
};

customer_lifecycle.onboarding.render = function (frm, $wrapper, data) {
	const view = customer_lifecycle.onboarding;
	const parts = [];
	if (data.onboarding) {
		parts.push(
			data.current
				? view.current_html(data.current, data)
				: `<p class="text-muted">${__(
						"No onboarding checklist template applies to this customer. Add one, or a default template, in Onboarding Checklist Template."
				  )}</p>`
		);
	} else if (!data.rounds.length) {
		parts.push(
			`<p class="text-muted">${__(
				"The onboarding checklist appears here when the customer starts onboarding."
			)}</p>`
		);
	}
	if (data.rounds.length) parts.push(view.rounds_html(data.rounds));
	$wrapper.html(`<div class="cl-onboarding">${parts.join("")}</div>`);

	$wrapper.find("input.cl-onboarding-tick").on("change", (e) => {
		const $input = $(e.currentTarget);
		$wrapper.find("input.cl-onboarding-tick").prop("disabled", true);
		frappe
			.xcall(`${API}.set_item_done`, {
				checklist: data.current.name,
				item: $input.attr("data-item"),
				done: $input.prop("checked") ? 1 : 0,
			})
			.then((r) => {
				if (r.moved) {
					frappe.show_alert({
						message: __("Onboarding complete: moved to {0}", [__(r.lifecycle_status)]),
						indicator: "green",
					});
					frm.reload_doc();
				} else {
					view.render(frm, $wrapper, Object.assign({}, data, { current: r.checklist }));
				}
			})
			.catch(() => view.load(frm));
	});
};

customer_lifecycle.onboarding.current_html = function (checklist, data) {
	const esc = frappe.utils.escape_html;
	const progress = Math.round(checklist.progress || 0);
	const refused = checklist.auto_move_error
		? `<div class="alert alert-warning cl-onboarding-refused">
				${__("Every required item is done, but the customer could not be moved to {0}:", [
					`<b>${esc(__(data.complete_state))}</b>`,
				])}
				${esc(checklist.auto_move_error)}
				<div class="small">${__(
					"The Customer Managers were told. Move the customer with the Actions menu."
				)}</div>
			</div>`
		: "";
	const items = checklist.items
		.map((item) => customer_lifecycle.onboarding.item_html(item, data.can_tick))
		.join("");
	return `
		<div class="cl-onboarding-current" data-checklist="${esc(checklist.name)}">
			<div class="d-flex justify-content-between align-items-baseline mb-2">
				<div class="h6 mb-0">${__("Round {0}", [checklist.round])} · ${esc(
		checklist.template || ""
	)}</div>
				<div class="text-muted small cl-onboarding-count">${__(
					"{0} of {1} required items done",
					[checklist.required_done, checklist.required_total]
				)} · ${progress}%</div>
			</div>
			<div class="progress mb-3" style="height: 8px" role="progressbar"
				aria-label="${__("Onboarding progress")}" aria-valuenow="${progress}"
				aria-valuemin="0" aria-valuemax="100">
				<div class="progress-bar bg-success" style="width: ${progress}%"></div>
			</div>
			${refused}
			<ul class="list-unstyled mb-0">${items}</ul>
		</div>`;
};

customer_lifecycle.onboarding.item_html = function (item, can_tick) {
	const esc = frappe.utils.escape_html;
	const badges = [
		item.required
			? `<span class="indicator-pill blue">${__("Required")}</span>`
			: `<span class="indicator-pill gray">${__("Optional")}</span>`,
		item.customer_provides
			? `<span class="indicator-pill orange cl-customer-provides">${__(
					"Customer provides"
			  )}</span>`
			: "",
	].join(" ");
	const due = item.due_date
		? `<div class="cl-onboarding-due ${item.overdue ? "text-danger" : "text-muted"}">
				${__("Due {0}", [frappe.datetime.str_to_user(item.due_date)])}${
				item.overdue ? " · " + __("Overdue") : ""
		  }
			</div>`
		: "";
	const done = item.done
		? `<div class="text-muted cl-onboarding-done">${__("Done by {0}", [
				esc(item.done_by_name || item.done_by || ""),
		  ])} · ${frappe.datetime.comment_when(item.done_on)}</div>`
		: "";
	const responsible = item.responsible
		? `<div class="text-muted">${__("Responsible: {0}", [esc(__(item.responsible))])}</div>`
		: "";
	const answer = item.answer
		? `<div class="small">${__("Answer: {0}", [esc(item.answer)])}</div>`
		: "";
	const attachment = item.attachment
		? `<div class="small"><a href="${encodeURI(item.attachment)}" target="_blank" rel="noopener">${__(
				"Attachment"
		  )}</a></div>`
		: "";
	return `
		<li class="cl-onboarding-item d-flex py-2 border-bottom" data-item="${esc(item.name)}">
			<label class="d-flex align-items-start mb-0 flex-grow-1" style="cursor: pointer">
				<input type="checkbox" class="cl-onboarding-tick mr-2 mt-1" data-item="${esc(item.name)}"
					${item.done ? "checked" : ""} ${can_tick ? "" : "disabled"}>
				<span>
					<span class="cl-onboarding-title ${item.done ? "text-muted" : ""}">${esc(
		item.title
	)}</span>
					${badges}
					${item.description ? `<div class="small text-muted">${esc(item.description)}</div>` : ""}
					${answer}${attachment}
				</span>
			</label>
			<div class="text-right small ml-3" style="min-width: 12rem">${due}${done}${responsible}</div>
		</li>`;
};

customer_lifecycle.onboarding.rounds_html = function (rounds) {
	const esc = frappe.utils.escape_html;
	const when = (value) => (value ? frappe.datetime.str_to_user(value.split(" ")[0]) : "");
	const list = rounds
		.map((round) => {
			const items = round.items
				.map(
					(item) => `<li class="${item.done ? "" : "text-muted"}">
						${item.done ? frappe.utils.icon("check", "xs") : "–"} ${esc(item.title)}
						${
							item.done
								? `<span class="text-muted small">· ${esc(
										item.done_by_name || item.done_by || ""
								  )}</span>`
								: ""
						}
					</li>`
				)
				.join("");
			return `
				<details class="cl-onboarding-round mb-2" data-checklist="${esc(round.name)}">
					<summary>
						${__("Round {0}", [round.round])} · ${esc(__(round.status))} · ${Math.round(
				round.progress || 0
			)}% · ${when(round.started_on)} – ${when(round.ended_on)}
					</summary>
					<ul class="list-unstyled ml-3 mt-2 mb-1">${items}</ul>
					<a class="small" href="/app/onboarding-checklist/${encodeURIComponent(round.name)}">${__(
				"Open checklist"
			)}</a>
				</details>`;
		})
		.join("");
	return `<div class="cl-onboarding-rounds mt-4">
			<div class="h6">${__("Finished onboarding rounds")}</div>
			${list}
		</div>`;
};
