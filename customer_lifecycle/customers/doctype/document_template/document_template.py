# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

from frappe.model.document import Document

from customer_lifecycle.customers.documents import generation
from customer_lifecycle.utils.normalize import normalize_text


class DocumentTemplate(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		description: DF.SmallText | None
		disabled: DF.Check
		letter_head: DF.Link | None
		template: DF.Code
		template_name: DF.Data
	# end: auto-generated types

	def validate(self):
		self.template_name = normalize_text(self.template_name)
		# a template that cannot be rendered is refused now, with its line, not when a document is due
		generation.check_template(self)
