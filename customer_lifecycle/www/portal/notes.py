from customer_lifecycle.portal import context as portal
from customer_lifecycle.portal import reads

no_cache = 1


@portal.on_replica
def get_context(context):
	context.notes = reads.notes(portal.build(context, "Notes"))
