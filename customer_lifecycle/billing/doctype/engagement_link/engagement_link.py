# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

from frappe.model.document import Document


class EngagementLink(Document):
	# begin: auto-generated types
	# end: auto-generated types
	pass
