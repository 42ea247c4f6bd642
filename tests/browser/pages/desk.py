"""What every desk page has: the login form before it, dialogs, dropdown menus and messages."""

from playwright.sync_api import Locator, Page, expect


class LoginPage:
	"""/login, for the desk and the portal alike."""

	def __init__(self, page: Page):
		self.page = page

	def log_in(self, email: str, password: str) -> None:
		self.page.goto("/login")
		self.page.fill("#login_email", email)
		self.page.fill("#login_password", password)
		self.page.click(".btn-login")


class Dialog:
	"""A Frappe dialog (a Bootstrap modal): its title, fields and buttons."""

	def __init__(self, root: Locator):
		self.root = root

	@property
	def title(self) -> Locator:
		return self.root.locator(".modal-title")

	def field(self, fieldname: str) -> Locator:
		"""A field's input (Frappe names it on the input, text area or select itself)."""
		return self.root.locator(f':is(input, textarea, select)[data-fieldname="{fieldname}"]')

	def editor(self, fieldname: str) -> Locator:
		"""A Text Editor field's editable area."""
		return self.root.locator(f'[data-fieldname="{fieldname}"] .ql-editor[contenteditable="true"]')

	def button(self, name: str, exact: bool = True) -> Locator:
		"""A button by its name; not the header's close icon (named Close in the app's dialogs: close())."""
		return self.root.get_by_role("button", name=name, exact=exact).and_(
			self.root.locator(":not(.btn-modal-close)")
		)

	def close(self) -> None:
		self.root.locator(".btn-modal-close").click()

	def settled(self) -> "Dialog":
		"""This dialog once its fade-in is over: Bootstrap ignores a hide() during it, so a click on
		its button that comes too soon (as no person's would) would leave it open."""
		expect(self.root).to_have_css("opacity", "1")
		return self


class Desk:
	"""A page of the desk (/app/...)."""

	def __init__(self, page: Page):
		self.page = page

	def dialog(self, kind: type[Dialog] = Dialog):
		"""The dialog opened last, as a `kind` of Dialog."""
		return kind(self.page.locator(".modal.show").last)

	def dialog_with_field(self, fieldname: str) -> Dialog:
		return Dialog(
			self.page.locator(".modal.show").filter(has=self.page.locator(f'[data-fieldname="{fieldname}"]'))
		)

	def dialog_saying(self, text: str) -> Dialog:
		return Dialog(self.page.locator(".modal.show", has_text=text))

	@property
	def message(self) -> Locator:
		"""The message (frappe.msgprint, an error) shown last."""
		return self.page.locator(".msgprint").last

	@property
	def open_menu(self) -> Locator:
		return self.page.locator(".dropdown-menu.show")

	def menu_item(self, label: str) -> Locator:
		return self.open_menu.get_by_text(label, exact=True)

	def choose(self, opener: Locator, label: str) -> None:
		"""Open a dropdown menu and choose an item."""
		opener.click()
		self.menu_item(label).click()

	@property
	def actions_button(self) -> Locator:
		return self.page.get_by_role("button", name="Actions")

	def open_actions(self) -> Locator:
		"""Open the Actions menu (lifecycle actions, bulk actions); the menu."""
		self.actions_button.click()
		return self.open_menu

	def run_action(self, label: str) -> None:
		self.choose(self.actions_button, label)

	def choose_from_page_menu(self, label: str) -> None:
		"""An item of the page's "..." menu."""
		self.choose(self.page.locator(".page-actions .menu-btn-group button"), label)

	def save(self) -> None:
		self.page.keyboard.press("Control+s")
