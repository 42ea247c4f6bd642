// The customer portal's forms: each form names its server method (customer_lifecycle.api.portal.*);
// the page's customer goes with every call, and the page reloads to show what was saved. The page of
// an information request's one-time link works the same way with its own methods (data-api), the
// link going with every call instead of the customer.
(function () {
	const root = document.querySelector(".cl-portal");
	if (!root) return;
	const API = root.dataset.api || "customer_lifecycle.api.portal.";
	const customer = root.dataset.customer;
	// what identifies the caller's records: the link, or the customer
	const base = root.dataset.link ? { link: root.dataset.link } : { customer: customer };

	function done(message, result) {
		// the last answer through a one-time link completes the request: its link stops working
		if (root.dataset.link && result && result.open === false) {
			root.innerHTML = `<p class="cl-request-done">${__("Thank you: everything we asked for is provided.")}</p>`;
			return;
		}
		frappe.show_alert ? frappe.show_alert({ message: message, indicator: "green" }) : null;
		setTimeout(() => window.location.reload(), 300);
	}

	function values(form) {
		const args = Object.assign({}, base);
		// a later field of the same name wins (a ticked box over its hidden 0)
		for (const [key, value] of new FormData(form).entries()) args[key] = value;
		return args;
	}

	root.addEventListener("submit", (event) => {
		const form = event.target;
		if (form.classList.contains("cl-portal-form")) {
			event.preventDefault();
			const button = form.querySelector("[type=submit]");
			button.disabled = true;
			frappe
				.call({ method: API + form.dataset.method, args: values(form), type: "POST" })
				.then((r) => {
					if (r && !r.exc) done(__("Saved"), r.message);
				})
				.always(() => (button.disabled = false));
		} else if (form.classList.contains("cl-portal-upload")) {
			event.preventDefault();
			upload(form);
		}
	});

	function upload(form) {
		const input = form.querySelector("input[type=file]");
		if (!input.files.length) {
			frappe.msgprint(__("Choose a file to upload."));
			return;
		}
		const data = new FormData();
		data.append("file", input.files[0], input.files[0].name);
		data.append("item", form.dataset.item);
		for (const [key, value] of Object.entries(base)) data.append(key, value);
		const button = form.querySelector("[type=submit]");
		button.disabled = true;
		fetch("/api/method/" + API + (form.dataset.method || "upload_document"), {
			method: "POST",
			body: data,
			headers: { "X-Frappe-CSRF-Token": frappe.csrf_token, Accept: "application/json" },
		})
			.then((r) => r.json().then((body) => ({ ok: r.ok, body: body })))
			.then(({ ok, body }) => {
				if (ok) return done(__("Uploaded"), body.message);
				const messages = body._server_messages ? JSON.parse(body._server_messages) : [];
				const text = messages.map((m) => JSON.parse(m).message).join("<br>");
				frappe.msgprint(text || __("The upload failed."));
			})
			.finally(() => (button.disabled = false));
	}

	root.querySelectorAll(".cl-portal-request").forEach((button) => {
		button.addEventListener("click", () => {
			button.disabled = true;
			frappe
				.call({ method: API + "request_data", args: { kind: button.dataset.kind, customer: customer }, type: "POST" })
				.then((r) => {
					if (r && !r.exc) frappe.msgprint(__("Thank you. We have emailed you about your request."));
				})
				.always(() => (button.disabled = false));
		});
	});
})();
