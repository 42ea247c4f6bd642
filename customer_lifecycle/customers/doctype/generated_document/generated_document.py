# Copyright (c) 2026, customer_lifecycle developers
# License: MIT

from frappe.model.document import Document

from customer_lifecycle.customers.documents import generation, sharing


class GeneratedDocument(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		body: DF.LongText | None
		customer: DF.Link
		customer_name: DF.Data | None
		document_template: DF.Link
		engagement: DF.Link | None
		file: DF.Link | None
		file_url: DF.Attach | None
		last_emailed_on: DF.Datetime | None
		letter_head: DF.Link | None
		naming_series: DF.Literal["GDOC-.YYYY.-.#####"]
		shared_by: DF.Link | None
		shared_on: DF.Datetime | None
		shared_on_portal: DF.Check
		title: DF.Data | None
	# end: auto-generated types

	def validate(self):
		if self.is_new():
			generation.check_engagement(self)
			generation.render_body(self)
		sharing.set_shared_by(self)

	def after_insert(self):
		generation.file_pdf(self)

	def after_delete(self):
		# once the record is gone: its `file` link would refuse the File's deletion before
		generation.remove_file(self)
