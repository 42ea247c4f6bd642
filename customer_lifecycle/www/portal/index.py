from customer_lifecycle.portal import context as portal
from customer_lifecycle.portal import reads

no_cache = 1


@portal.on_replica
def get_context(context):
	context.update(reads.overview(portal.build(context, "Overview")))
