"""A Script or Query Report in the desk (/app/query-report/<name>)."""

import re
from urllib.parse import quote

from playwright.sync_api import Page


class ReportView:
	def __init__(self, page: Page, name: str):
		self.page = page
		self.name = name
		self.url = re.compile(f"/app/query-report/{re.escape(quote(name))}")
		self.body = page.locator(".report-wrapper")
		self.generate_button = page.get_by_role("button", name="Generate New Report")

	def open(self) -> "ReportView":
		self.page.goto(f"/app/query-report/{quote(self.name)}")
		return self
