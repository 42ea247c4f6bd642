"""The customer list (/app/customer): rows, selection, bulk actions and their results, the sidebar's
filters, and the new-customer dialog it opens."""

import json
import re
from urllib.parse import quote

from playwright.sync_api import Locator, Page, expect

from tests.browser.pages.customer_form import DuplicatesDialog
from tests.browser.pages.desk import Desk, Dialog

CREATE = re.compile(r"^(Create now|Save)$")


class BulkResults(Dialog):
	"""A bulk action's results: a title that counts, and a row per customer."""

	def row(self, customer: str) -> Locator:
		return self.root.locator(f'.cl-bulk-row[data-customer="{customer}"]')

	def message(self, customer: str) -> Locator:
		return self.row(customer).locator(".cl-bulk-message")

	@property
	def done_rows(self) -> Locator:
		return self.root.locator('.cl-bulk-row[data-result="done"]')


class NewCustomerDialog(DuplicatesDialog):
	"""The new-customer dialog (two steps when an admin added intake fields); on create it may turn
	into "Customer already exists"."""

	def create(self) -> None:
		"""Create the customer from the first step: "Create now" when there is a second step (intake
		fields), else the dialog's "Save"."""
		self.root.get_by_role("button", name=CREATE).first.click()


class CustomerList(Desk):
	def __init__(self, page: Page):
		super().__init__(page)
		self.rows = page.locator(".list-row-container")
		self.checkboxes = page.locator(".list-row-checkbox")
		self.title = page.locator(".page-head .title-text")
		self.breadcrumbs = page.locator("#navbar-breadcrumbs")
		self.tag_filter = page.locator(".list-sidebar .list-tags")
		self.tag_menu = page.locator(".list-tags .dropdown-menu.show")
		self.show_incomplete = page.locator(".list-sidebar .cl-show-incomplete a")
		self.my_favourites = page.locator(".cl-my-favourites").get_by_text("My favourites")

	def open(self, query: str = "") -> "CustomerList":
		"""The list, with route options (`?customer_type=Company`) as a link would set them."""
		self.page.goto(f"/app/customer{query}")
		return self

	def open_named_like(self, text: str) -> "CustomerList":
		"""The list filtered to customers whose name holds `text`, once it shows them."""
		self.open("?customer_name=" + quote(json.dumps(["like", f"%{text}%"])))
		expect(self.rows.first).to_be_visible()
		return self

	def row(self, text: str) -> Locator:
		return self.rows.filter(has_text=text)

	def row_of(self, customer: str) -> Locator:
		return self.rows.filter(has=self.page.locator(f'[data-name="{customer}"]'))

	def checkbox(self, customer: str) -> Locator:
		return self.page.locator(f'.list-row-checkbox[data-name="{customer}"]')

	def completeness(self, customer: str) -> Locator:
		return self.row_of(customer).locator(".cl-completeness")

	def select(self, customers: list[str]) -> None:
		for customer in customers:
			self.checkbox(customer).check()

	def select_all(self) -> None:
		self.page.locator(".list-header-subject .list-check-all").check()

	def show_page_of(self, count: int) -> None:
		self.page.locator(f".btn-paging[data-value='{count}']").click()

	def add_button(self, term: str = "Customer") -> Locator:
		"""The list's add button, which says the word the admin chose for a customer."""
		return self.page.get_by_role("button", name=f"Add {term}")

	def new_customer(self) -> NewCustomerDialog:
		self.add_button().click()
		return self.dialog(NewCustomerDialog)

	def confirm(self) -> None:
		Dialog(self.page.locator(".modal.show")).button("Yes").click()

	def bulk_action(self, customers: list[str], action: str, button: str, **answers: str) -> BulkResults:
		"""Select the customers, run a bulk action, answer its prompt (fieldname=value) and press
		`button`; the results."""
		self.select(customers)
		self.run_action(action)
		prompt = self.dialog().settled()
		for fieldname, value in answers.items():
			prompt.field(fieldname).fill(value)
		prompt.button(button).click()
		return self.results()

	def progress(self) -> Dialog:
		"""A bulk action's progress, while it runs in the background."""
		return Dialog(self.page.locator(".modal.show").first)

	def results(self, timeout: int = 5_000) -> BulkResults:
		"""The bulk action's results, once shown (a background job's may take a while)."""
		dialog = self.page.locator(".modal.show").filter(has=self.page.locator(".cl-bulk-results"))
		expect(dialog).to_be_visible(timeout=timeout)
		return BulkResults(dialog)

	def filter_by_tag(self) -> None:
		"""Open the sidebar's tag filter (its menu: tag_menu)."""
		self.tag_filter.locator(".list-sidebar-button").click()

	def indicator_html(self, doc: dict) -> str:
		"""The list's flag marker for a row, as the app's list settings draw it."""
		return self.page.evaluate("doc => customer_lifecycle.flags.list_indicator_html(doc)", doc)
