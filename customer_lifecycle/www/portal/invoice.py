import frappe

from customer_lifecycle.portal import context as portal
from customer_lifecycle.portal import reads

no_cache = 1


@portal.on_replica
def get_context(context):
	portal.build(context, "Invoice")
	# another customer's invoice, or one that does not exist: refused alike (PermissionError)
	context.update(reads.invoice(frappe.form_dict.get("name")))
	context.title = context.doc.name
