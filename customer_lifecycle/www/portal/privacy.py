from customer_lifecycle.portal import context as portal

no_cache = 1


@portal.on_replica
def get_context(context):
	portal.build(context, "My Data")
