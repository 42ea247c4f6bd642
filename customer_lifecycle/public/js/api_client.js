// Calls to one of the app's API modules, written once for the form scripts: get() for the methods
// whitelisted for GET (reads; resolves to the method's message), post() for those whitelisted for
// POST (changes; frappe.xcall, which resolves to the message and rejects on an error).

export function api_client(module) {
	return {
		get: (method, args) =>
			frappe.call({ method: `${module}.${method}`, type: "GET", args }).then((r) => r.message),
		post: (method, args) => frappe.xcall(`${module}.${method}`, args),
	};
}
