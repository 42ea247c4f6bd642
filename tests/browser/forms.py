"""What browser tests share about the desk's forms."""

from playwright.sync_api import expect


def show_tab(page, name: str, inside) -> None:
	"""Click a form tab until `inside` (something on it) is visible: a form still settling after it
	loads may render again and show its first tab (seen in CI under load)."""
	tab = page.get_by_role("tab", name=name)
	for _attempt in range(3):
		tab.click()
		try:
			expect(inside).to_be_visible(timeout=5_000)
			return
		except AssertionError:
			continue
	expect(inside).to_be_visible()
