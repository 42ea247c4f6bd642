"""Named makers of test records and files, imported by every suite that needs them."""

import io


def pdf_bytes(text: str) -> bytes:
	"""A real one-page PDF whose document title is `text` (so that two calls with different text
	give different files: Frappe stores equal contents once)."""
	from pypdf import PdfWriter

	writer = PdfWriter()
	writer.add_blank_page(width=200, height=200)
	writer.add_metadata({"/Title": text})
	out = io.BytesIO()
	writer.write(out)
	return out.getvalue()


# what a damaged PDF looks like: the header, then nothing a reader can use
BROKEN_PDF = b"%PDF-1.4 this file was cut short"
