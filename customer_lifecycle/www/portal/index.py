from customer_lifecycle.portal import context as portal
from customer_lifecycle.portal import pages

no_cache = 1


def get_context(context):
	context.update(pages.overview(portal.build(context, "Overview")))
