"""What browser tests share about the desk's forms."""

from collections.abc import Callable

from playwright.sync_api import expect


def until(action: Callable[[], None], expectation: Callable[[int], None], attempts: int = 3) -> None:
	"""Do `action` until `expectation(timeout_ms)` (an expect(...) call) holds: a form still
	settling after it loads may render again and undo what was done (seen in CI under load), so
	the action is done again, up to `attempts` times; the last failure is the test's."""
	for _attempt in range(attempts - 1):
		action()
		try:
			expectation(5_000)
			return
		except AssertionError:
			continue
	action()
	expectation(15_000)


def show_tab(page, name: str, inside) -> None:
	"""Click a form tab until `inside` (something on it) is visible."""
	until(
		page.get_by_role("tab", name=name).click,
		lambda timeout: expect(inside).to_be_visible(timeout=timeout),
	)
