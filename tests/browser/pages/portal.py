"""The customer portal (/portal ...), as a customer's person sees it on a phone."""

import re

from playwright.sync_api import Locator, Page

from tests.browser.pages.desk import LoginPage

PHONE = {"width": 390, "height": 844}


class Portal:
	def __init__(self, page: Page):
		self.page = page
		self.body = page.locator("body")
		self.customer_name = page.locator(".cl-portal-customer-name")
		self.mobile = page.locator("#cl-mobile_no")
		self.uploadable_items = page.locator(".card.cl-portal-item")

	def log_in(self, email: str, password: str) -> "Portal":
		"""Log in through the login form, to the portal role's home page."""
		LoginPage(self.page).log_in(email, password)
		self.page.wait_for_url("**/portal**")
		return self

	def open_profile(self) -> None:
		self.page.goto("/portal/profile")

	def save_profile(self) -> None:
		self.page.get_by_role("button", name="Save", exact=True).click()

	def open_onboarding(self) -> None:
		self.page.goto("/portal/onboarding")

	def item(self, checklist_item: str) -> Locator:
		return self.page.locator(f".cl-portal-item[data-item='{checklist_item}']")

	def upload(self, item: Locator, path: str) -> None:
		item.locator("input[type=file]").set_input_files(path)
		item.get_by_role("button", name="Upload", exact=True).click()

	@staticmethod
	def attachment(item: Locator) -> Locator:
		return item.locator(".cl-portal-attachment")

	@staticmethod
	def item_state(item: Locator) -> Locator:
		return item.locator(".cl-portal-item-state")

	def open_invoice(self, invoice: str) -> None:
		"""The invoices page, then the invoice's own."""
		self.page.goto("/portal/invoices")
		self.page.get_by_role("link", name=invoice).click()

	@staticmethod
	def invoice_url(invoice: str) -> re.Pattern:
		return re.compile(f"/portal/invoices/{invoice}")

	@property
	def pdf_link(self) -> Locator:
		return self.page.get_by_role("link", name="Download PDF")
