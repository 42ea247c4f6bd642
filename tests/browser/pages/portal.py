"""The customer portal (/portal ...), as a customer's person sees it on a phone or a desktop."""

import re

import frappe
from playwright.sync_api import Locator, Page, expect

from tests.browser.pages.desk import LoginPage

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def portal_routes(invoice: str) -> list[str]:
	"""Every portal page a customer's person reaches: those of the portal menu (hooks.py), and an
	invoice's own (through the invoices page)."""
	menu = frappe.get_hooks("portal_menu_items", app_name="customer_lifecycle")
	return [item["route"] for item in menu] + [f"/portal/invoices/{invoice}"]


class Portal:
	def __init__(self, page: Page):
		self.page = page
		self.body = page.locator("body")
		self.content = page.locator(".cl-portal")
		self.customer_name = page.locator(".cl-portal-customer-name")
		self.customer_switch = page.get_by_label("Switch to")
		# drawn by Frappe's website script once the page is ready (shown in the navbar on a desktop)
		self.avatar = page.locator("#website-post-login .avatar")
		self.mobile = page.locator("#cl-mobile_no")
		self.uploadable_items = page.locator(".card.cl-portal-item")
		self.progress = page.get_by_role("progressbar")
		self.addresses = page.locator("details.cl-portal-address")
		self.new_address = self.addresses.filter(has=page.locator("summary", has_text="Add an address"))

	def log_in(self, email: str, password: str) -> "Portal":
		"""Log in through the login form, to the portal role's home page."""
		LoginPage(self.page).log_in(email, password)
		self.page.wait_for_url("**/portal**")
		return self

	def open(self, route: str) -> "Portal":
		"""A portal page, once its scripts have run."""
		self.page.goto(route)
		expect(self.content).to_be_visible()
		expect(self.avatar).to_have_count(1)
		return self

	def open_profile(self) -> None:
		self.open("/portal/profile")

	def field(self, label: str, within: Locator | None = None) -> Locator:
		"""A form field, by its label (a required field's ends in " *")."""
		return (within or self.page).get_by_label(label)

	def button(self, name: str, within: Locator | None = None) -> Locator:
		return (within or self.page).get_by_role("button", name=name, exact=True)

	def save_profile(self) -> None:
		self.button("Save").click()

	def open_every_address(self) -> None:
		"""Open each address's form (and the one for a new address)."""
		for address in self.addresses.all():
			address.locator("summary").click()
			expect(address).to_have_attribute("open", "")

	def address(self, text: str) -> Locator:
		return self.addresses.filter(has=self.page.locator("summary", has_text=text))

	def open_onboarding(self) -> None:
		self.open("/portal/onboarding")

	def item(self, checklist_item: str) -> Locator:
		return self.page.locator(f".cl-portal-item[data-item='{checklist_item}']")

	@staticmethod
	def file_input(item: Locator) -> Locator:
		return item.locator("input[type=file]")

	def upload(self, item: Locator, path: str) -> None:
		self.file_input(item).set_input_files(path)
		self.upload_button(item).click()

	def upload_button(self, item: Locator) -> Locator:
		return self.button("Upload", within=item)

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
