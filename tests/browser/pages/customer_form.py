"""The customer form (/app/customer/<name>): its buttons, fields and state, the Customer 360 header
above its tabs, and the tabs (Contacts & Addresses, Notes & Tasks, Onboarding)."""

import re

from playwright.sync_api import Locator, Page, expect

from tests.browser.forms import show_tab, until
from tests.browser.pages.desk import Desk, Dialog

SAVED_CUSTOMER_URL = re.compile(r".*/app/customer/CUST-\d{4}-\d{5}$")


class Header360:
	"""The Customer 360 header, on every tab: who the customer is, counts, the favourite heart, the
	active flag and quick buttons."""

	LIKED = "cl-360-favourite like-action liked"

	def __init__(self, page: Page):
		self.root = page.locator(".cl-360-header")
		self.name = self.root.locator(".cl-360-name")
		self.type = self.root.locator(".cl-360-type")
		self.lifecycle = self.root.locator(".cl-360-lifecycle")
		self.favourite = self.root.locator(".cl-360-favourite")
		self.flag = self.root.locator(".cl-360-flag")

	def figure(self, key: str) -> Locator:
		"""A count or amount: files, open_tasks, open_invoices, open_engagements, balance ..."""
		return self.root.locator(f'.cl-360-count[data-key="{key}"] .cl-360-figure')

	def button(self, name: str, exact: bool = False) -> Locator:
		return self.root.get_by_role("button", name=name, exact=exact)

	def like(self) -> None:
		"""Click the heart until it shows liked (a form still settling may undo a click); a click on
		a liked heart would take the like back, so it is clicked only while not liked."""

		def like_unless_liked():
			if "not-liked" in (self.favourite.get_attribute("class") or ""):
				self.favourite.click()

		until(
			like_unless_liked,
			lambda timeout: expect(self.favourite).to_have_class(self.LIKED, timeout=timeout),
		)


class Tab:
	"""A tab of the form; `content` is something on it, visible once it is shown."""

	label = ""

	def __init__(self, page: Page):
		self.page = page

	@property
	def content(self) -> Locator:
		raise NotImplementedError

	def show(self) -> None:
		show_tab(self.page, self.label, self.content)


class ContactsTab(Tab):
	"""Contacts & Addresses: Frappe's contact and address cards, with the app's access-contact key."""

	label = "Contacts & Addresses"

	def __init__(self, page: Page):
		super().__init__(page)
		self.contacts = page.locator('[data-fieldname="contact_html"]')
		self.addresses = page.locator('[data-fieldname="address_html"]')
		self.address_boxes = self.addresses.locator(".address-box")

	@property
	def content(self) -> Locator:
		return self.contacts.get_by_role("button", name="New Contact")

	def address(self, text: str) -> Locator:
		return self.addresses.locator(".address-box", has_text=text)

	@staticmethod
	def access_contact(address: Locator) -> Locator:
		"""The key marker of an address's access contact."""
		return address.locator(".cl-access-contact")


class InvoicesTab(Tab):
	"""Invoices: the customer's invoices a page at a time, each with its amounts in its currency and,
	while it owes money, a Record Payment button."""

	label = "Invoices"

	def __init__(self, page: Page):
		super().__init__(page)
		self.ledger = page.locator('.cl-ledger[data-ledger="invoices"]')

	@property
	def content(self) -> Locator:
		return self.ledger

	def row(self, invoice: str) -> Locator:
		return self.ledger.locator("tbody tr", has_text=invoice)

	def pay(self, invoice: str) -> None:
		self.row(invoice).get_by_role("button", name="Record Payment").click()


class GeneratedDocsTab(Tab):
	"""Generated Docs: the customer's generated documents, newest first, with Generate, and on each
	Open (its PDF), Email and Share on Portal."""

	label = "Generated Docs"

	def __init__(self, page: Page):
		super().__init__(page)
		self.panel = page.locator('[data-fieldname="documents_html"]')
		self.rows = self.panel.locator("tr.cl-document-row")

	@property
	def content(self) -> Locator:
		return self.panel.locator(".cl-documents")

	def row(self, text: str) -> Locator:
		return self.panel.locator("tr.cl-document-row", has_text=text)

	def generate(self, template: str) -> None:
		"""Generate a document of the template from the tab's Generate dialog."""
		self.panel.get_by_role("button", name="Generate").click()
		dialog = Dialog(self.page.locator(".modal.show").last).settled()
		dialog.choose_link("template", template)
		dialog.button("Generate").click()

	@staticmethod
	def open_link(row: Locator) -> Locator:
		return row.get_by_role("link", name="Open")


class FilesTab(Tab):
	"""The Files tab: recent files, the customer's folders, the files of the folder opened."""

	label = "Files"

	@property
	def content(self) -> Locator:
		return self.page.locator(".cl-files")

	def folder(self, name: str) -> Locator:
		return self.content.locator(".cl-folder").filter(
			has=self.page.get_by_role("link", name=name, exact=True)
		)

	def add_folder(self, name: str) -> None:
		self.content.get_by_role("button", name="Add Folder").click()
		dialog = Dialog(self.page.locator(".modal.show").last).settled()
		dialog.field("folder_name").fill(name)
		dialog.button("Add").click()
		expect(self.folder(name)).to_be_visible()

	def upload(self, folder: str, path: str) -> None:
		"""Upload a file into a folder chosen in the dialog, through Frappe's uploader."""
		self.content.get_by_role("button", name="Upload").click()
		dialog = Dialog(self.page.locator(".modal.show").last).settled()
		dialog.field("folder").select_option(label=folder)
		dialog.button("Choose File").click()
		uploader = self.page.locator(".modal.show").filter(has=self.page.locator("input[type=file]")).last
		uploader.locator("input[type=file]").set_input_files(path)
		uploader.get_by_role("button", name="Upload").click()
		expect(uploader).to_be_hidden()


class Note:
	def __init__(self, root: Locator):
		self.root = root
		self.email_marker = root.locator(".cl-note-email")
		self.author = root.locator(".cl-note-author")
		self.pinned = root.locator(".cl-note-pinned")

	def button(self, name: str) -> Locator:
		return self.root.get_by_role("button", name=name)


class Task:
	def __init__(self, root: Locator):
		self.root = root
		self.open_text = root.locator("span.cl-task-text")
		self.done_text = root.locator("s.cl-task-text")

	def mark_done(self) -> None:
		self.root.get_by_role("checkbox", name="Mark as done").check()


class NotesTab(Tab):
	"""Notes & Tasks: the customer's notes (newest first, pinned on top) and its tasks."""

	label = "Notes & Tasks"

	def __init__(self, page: Page):
		super().__init__(page)
		self.notes = page.locator('[data-fieldname="notes_html"]')
		self.all_notes = self.notes.locator(".cl-note")
		self.tasks = page.locator('[data-fieldname="tasks_html"]')

	@property
	def content(self) -> Locator:
		return self.notes

	def note(self, text: str) -> Note:
		return Note(self.notes.locator(".cl-note", has_text=text))

	@property
	def first_note(self) -> Note:
		return Note(self.all_notes.first)

	def add_note(self, text: str) -> None:
		self.notes.get_by_role("button", name="Add Note").click()
		dialog = Dialog(self.page.locator(".modal.show"))
		dialog.editor("content").fill(text)
		dialog.button("Add Note").click()

	def task(self, text: str) -> Task:
		return Task(self.tasks.locator(".cl-task", has_text=text))

	def add_task(self, text: str) -> None:
		self.tasks.get_by_placeholder("Add a task…").fill(text)
		self.tasks.get_by_role("button", name="Add", exact=True).click()


class OnboardingItem:
	def __init__(self, root: Locator):
		self.root = root
		self.checkbox = root.get_by_role("checkbox")
		self.customer_provides = root.locator(".cl-customer-provides")
		self.due = root.locator(".cl-onboarding-due")


class OnboardingTab(Tab):
	"""Onboarding: the running round's checklist, and the rounds before it."""

	label = "Onboarding"

	def __init__(self, page: Page):
		super().__init__(page)
		self.panel = page.locator('[data-fieldname="onboarding_html"]')
		self.current = self.panel.locator(".cl-onboarding-current")
		self.count = self.current.locator(".cl-onboarding-count")
		self.progress = self.current.get_by_role("progressbar")
		self.rounds = self.panel.locator(".cl-onboarding-round")

	@property
	def content(self) -> Locator:
		return self.panel

	def item(self, title: str) -> OnboardingItem:
		return OnboardingItem(self.current.locator(".cl-onboarding-item", has_text=title))

	def tick(self, title: str) -> None:
		self.current.get_by_label(title).check()


class FlagAlert:
	"""The active flag, above the form."""

	def __init__(self, page: Page):
		self.root = page.locator(".cl-flag-alert")
		self.reason = self.root.locator(".cl-flag-reason")
		self.resolve_button = self.root.get_by_role("button", name="Resolve")


class PortalAccess(Dialog):
	"""Portal Access: the customer's contacts, each with its access and an Invite button."""

	def __init__(self, page: Page):
		super().__init__(page.locator(".modal-dialog:visible"))
		self.rows = self.root.locator(".cl-portal-row")

	@staticmethod
	def access(row: Locator) -> Locator:
		return row.locator(".indicator-pill")

	@staticmethod
	def invite(row: Locator) -> None:
		row.get_by_role("button", name="Invite").click()


class DuplicatesDialog(Dialog):
	"""A dialog that lists possible duplicates of a customer, a row each: "Customer already exists"
	(on create, from the list or the form) and Merge."""

	@property
	def candidates(self) -> Locator:
		return self.root.locator("tr.duplicate-candidate")

	def candidate(self, customer: str) -> Locator:
		return self.root.locator(f'tr.duplicate-candidate[data-name="{customer}"]')

	def choose(self, customer: str) -> None:
		"""Choose a candidate: a click on its row (its name's cell, not the link in it)."""
		self.candidate(customer).locator("td").nth(2).click()


class CustomerForm(Desk):
	def __init__(self, page: Page):
		super().__init__(page)
		self.header = Header360(page)
		self.contacts_tab = ContactsTab(page)
		self.invoices_tab = InvoicesTab(page)
		self.documents_tab = GeneratedDocsTab(page)
		self.notes_tab = NotesTab(page)
		self.onboarding_tab = OnboardingTab(page)
		self.files_tab = FilesTab(page)
		self.flag_alert = FlagAlert(page)
		self.state = page.locator(".page-head .indicator-pill:visible").first
		self.title = page.locator(".page-title .title-text")

	def open(self, customer: str) -> "CustomerForm":
		self.page.goto(f"/app/customer/{customer}")
		return self

	def open_new(self) -> "CustomerForm":
		self.page.goto("/app/customer/new")
		return self

	def wait_until_saved(self) -> str:
		"""Wait for the form of a newly saved customer; its name."""
		self.page.wait_for_url(SAVED_CUSTOMER_URL)
		return self.page.url.rsplit("/", 1)[1]

	def field(self, fieldname: str) -> Locator:
		return self.page.locator(f'input[data-fieldname="{fieldname}"]')

	def button(self, name: str) -> Locator:
		return self.page.get_by_role("button", name=name)

	def head_button(self, name: str) -> Locator:
		"""A button of the page head (Archive, Restore, ...), not one of the same name further down."""
		return self.page.locator(".page-head").get_by_role("button", name=name)

	def billing(self, link: str) -> None:
		"""Billing's menu: Record Payment, Receivables ..."""
		self.button("Billing").click()
		self.page.get_by_role("link", name=link).click()

	def apply_action(self, action: str, reason: str | None = None) -> None:
		"""A lifecycle action from the Actions menu, with the reason its prompt asks for."""
		self.run_action(action)
		prompt = self.dialog()
		if reason is not None:
			prompt.field("reason").fill(reason)
		prompt.button(action).click()

	def raise_flag(self, reason: str, severity: str) -> None:
		self.button("Raise Flag").click()
		dialog = Dialog(self.page.locator(".modal.show"))
		dialog.field("reason").fill(reason)
		dialog.field("severity").select_option(severity)
		dialog.button("Raise Flag").click()

	def portal_access(self) -> PortalAccess:
		self.button("Portal Access").click()
		return PortalAccess(self.page)

	def timeline_entry(self, text: str) -> Locator:
		return self.page.locator(".timeline-content").filter(has_text=text).first
