"""What a file a customer's people upload must be: a document or a picture of a kind listed here,
not empty, and, for a PDF, a file that reads as one.

Frappe (15.83 and later) reads every uploaded PDF with pypdf to refuse those that carry scripts; a
damaged or fake PDF makes pypdf raise, which would reach the user as a server error. The check here
reads it first and refuses it with a message that names the file.
"""

import io
import os

import frappe
from frappe import _
from frappe.utils import escape_html

# documents and pictures, up to the site's own file size limit
UPLOAD_EXTENSIONS = frozenset(
	{
		".pdf",
		".png",
		".jpg",
		".jpeg",
		".gif",
		".webp",
		".doc",
		".docx",
		".odt",
		".txt",
		".csv",
		".xls",
		".xlsx",
	}
)


def check_upload(filename: str | None, content: bytes | None, label: str | None = None) -> None:
	"""Refuse (ValidationError, naming the field) a file of another kind, an empty one, or a PDF
	that cannot be read."""
	field = frappe.bold(label or _("File"))
	extension = os.path.splitext(filename or "")[1].lower()
	if extension not in UPLOAD_EXTENSIONS:
		frappe.throw(
			_("{0}: {1} files cannot be uploaded here. Upload one of: {2}.").format(
				field,
				frappe.bold(escape_html(extension or filename or "")),
				", ".join(sorted(UPLOAD_EXTENSIONS)),
			),
			frappe.ValidationError,
		)
	if not content:
		frappe.throw(_("{0}: the file is empty.").format(field), frappe.ValidationError)
	if extension == ".pdf" and not readable_pdf(content):
		frappe.throw(
			_(
				"{0}: {1} cannot be read as a PDF. It may be damaged; save or scan it again and upload it once more."
			).format(field, frappe.bold(escape_html(os.path.basename(filename)))),
			frappe.ValidationError,
		)


def uploaded_file(field: str = "file") -> tuple[str, bytes]:
	"""(name, content) of the file a multipart request sent in `field`; refused (MandatoryError,
	naming the field) when there is none."""
	upload = frappe.request.files.get(field) if frappe.request else None
	if not upload:
		frappe.throw(_("{0}: choose a file to upload.").format(frappe.bold(_("File"))), frappe.MandatoryError)
	return upload.filename, upload.stream.read()


def readable_pdf(content: bytes) -> bool:
	"""Whether pypdf (what Frappe checks uploads with) reads the file and its pages."""
	from pypdf import PdfReader

	try:
		reader = PdfReader(io.BytesIO(content))
		for page in reader.pages:
			page.get("/Contents")
	except Exception:
		# whatever a damaged or hostile file makes the parser raise, it is not a readable PDF
		return False
	return True
