"""A person without a mouse: Tab moves the focus from one control to the next, the focused control
shows that it has it, and keys do the rest (Enter submits, Space ticks a box or opens a file
chooser)."""

from playwright.sync_api import Locator

HAS_FOCUS = "element => element === document.activeElement"
# an outline or a shadow ring (Bootstrap's buttons): what shows a control has the focus
SHOWS_FOCUS = """element => {
	const style = getComputedStyle(element);
	const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
	return outline || style.boxShadow !== "none";
}"""


def tab_to(target: Locator, limit: int = 80) -> Locator:
	"""Press Tab until `target` has the focus; fails when `limit` presses do not reach it (it is out
	of the tab order) or it does not show the focus."""
	page = target.page
	for _ in range(limit):
		page.keyboard.press("Tab")
		if target.evaluate(HAS_FOCUS):
			break
	else:
		raise AssertionError(f"{limit} presses of Tab do not reach {target}")
	assert target.evaluate(SHOWS_FOCUS), f"{target} has the focus but does not show it"
	return target


def type_into(target: Locator, text: str) -> None:
	"""Tab to a text field and type `text` over what it held."""
	tab_to(target)
	target.page.keyboard.press("Control+a")
	target.page.keyboard.type(text)
