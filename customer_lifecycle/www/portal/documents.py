from customer_lifecycle.portal import context as portal
from customer_lifecycle.portal import reads

no_cache = 1


def get_context(context):
	context.documents = reads.documents(portal.build(context, "Documents"))
