"""axe-core, as axe-playwright-python bundles it, on what a browser test shows: the rules of WCAG 2
(2.0, 2.1 and 2.2) at levels A and AA, each of them (none is switched off). axe's best practices
are advice beyond WCAG, and are left out."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_A_AA}, "resultTypes": ["violations"]}


def violations(page: Page, within: str | None = None) -> str:
	"""What axe finds on the page, or only in the elements that the CSS selector `within` finds (a
	dialog): a report with each violated rule, the elements that violate it (their CSS selectors,
	"Target") and what is wrong with each; "" when axe finds nothing."""
	results = Axe().run(page, context=within, options=OPTIONS)
	return results.generate_report() if results.violations_count else ""
