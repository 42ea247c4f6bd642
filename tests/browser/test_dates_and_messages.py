"""The workspace's upcoming birthdays and anniversaries, and a message to chosen customers made
from the customer list (a draft Newsletter opened in Frappe's form)."""

import frappe
import pytest
from frappe.utils import add_days, getdate, nowdate
from playwright.sync_api import expect

from tests.browser.pages import CustomerList
from tests.factories import committed_customers, unique

pytestmark = pytest.mark.browser


def test_the_workspace_lists_a_birthday_coming_up(login):
	tomorrow = getdate(add_days(nowdate(), 1))
	with committed_customers() as make:
		person = make(
			customer_name=unique("Birthday Person"),
			customer_type="Individual",
			# 28 years back: a 29 February stays a day of a leap year
			birth_date=tomorrow.replace(year=tomorrow.year - 28),
		)
		page = login("manager")
		page.goto("/app/customers")
		block = page.locator(".cl-upcoming")
		expect(block.get_by_role("link", name=person.customer_name)).to_be_visible()
		expect(block.locator("tr", has_text=person.customer_name)).to_contain_text("Tomorrow")


def test_a_message_to_a_category_becomes_a_draft_newsletter(login):
	category = frappe.get_doc({"doctype": "Customer Category", "category_name": unique("Mail")}).insert().name
	frappe.db.commit()
	group = None
	try:
		with committed_customers() as make:
			# the second customer's contact gave no consent
			yes, _no = make(customer_category=category), make(customer_category=category)
			frappe.db.set_value(
				"Contact",
				frappe.db.get_value("Customer", yes.name, "primary_contact"),
				"marketing_consent",
				1,
			)
			frappe.db.commit()
			listing = CustomerList(login("manager")).open(f"?customer_category={category}")
			expect(listing.rows).to_have_count(2)
			listing.choose_from_page_menu("Message Customers")
			dialog = listing.dialog_with_field("subject")
			dialog.button("Preview").click()
			expect(dialog.root.locator(".cl-message-preview")).to_contain_text("1 contacts will get it")
			expect(dialog.root).to_contain_text("1 without marketing consent")
			dialog.field("subject").fill("Winter offers")
			dialog.button("Create Newsletter").click()
			listing.page.wait_for_url("**/app/newsletter/**")
			newsletter = listing.page.url.rsplit("/", 1)[1]
			frappe.db.rollback()
			group = frappe.db.get_value("Newsletter Email Group", {"parent": newsletter}, "email_group")
			assert frappe.get_all("Email Group Member", filters={"email_group": group}, pluck="email") == [
				yes.email
			]
			assert frappe.db.get_value("Newsletter", newsletter, ["subject", "email_sent"]) == (
				"Winter offers",
				0,
			)
	finally:
		frappe.db.rollback()
		if group:
			for name in frappe.get_all("Newsletter", filters={"subject": "Winter offers"}, pluck="name"):
				frappe.delete_doc("Newsletter", name, force=True, ignore_permissions=True)
			frappe.delete_doc("Email Group", group, force=True, ignore_permissions=True)
		frappe.db.commit()
		frappe.delete_doc("Customer Category", category, force=True, ignore_permissions=True)
		frappe.db.commit()
