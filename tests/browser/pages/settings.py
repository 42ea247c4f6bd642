"""Customer Lifecycle Settings (the words for a customer), and the Customers workspace."""

from playwright.sync_api import Locator, Page, expect

from tests.browser.forms import until
from tests.browser.pages.desk import Desk


class LifecycleSettingsForm(Desk):
	def __init__(self, page: Page):
		super().__init__(page)
		self.term = self.control("customer_term").locator("input")
		self.term_plural = self.control("customer_term_plural").locator("input")
		# how the desk will read, under the plural
		self.preview = self.control("customer_term_plural").locator(".help-box")

	def control(self, fieldname: str) -> Locator:
		return self.page.locator(f'.frappe-control[data-fieldname="{fieldname}"]')

	def open(self) -> "LifecycleSettingsForm":
		self.page.goto("/app/customer-lifecycle-settings")
		return self

	def choose_words(self, term: str, plural: str) -> None:
		"""Type both words until the preview shows the plural taken (a form still settling may undo
		what was typed)."""

		def type_words():
			self.term.fill(term)
			self.term_plural.fill(plural)
			self.page.keyboard.press("Tab")

		until(
			type_words, lambda timeout: expect(self.preview).to_contain_text(f"→ {plural}", timeout=timeout)
		)


class Workspace(Desk):
	"""The Customers workspace (/app/customers)."""

	def __init__(self, page: Page):
		super().__init__(page)
		self.sidebar_items = page.locator(".sidebar-item-label")
		self.headers = page.locator(".ce-header")
		self.links = page.locator(".link-item")

	def open(self) -> "Workspace":
		self.page.goto("/app/customers")
		return self
