"""The README's first screen: its two commands, and the screenshots it shows, which must exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)]+)\)")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_every_screenshot_the_readme_shows_is_a_png_in_docs():
	shown = IMAGE.findall(README)
	assert shown, "the README shows no screenshot"
	missing = [path for path in shown if not (ROOT / path).is_file()]
	assert not missing, f"README shows screenshots that are not in the checkout: {missing}"
	for path in shown:
		assert path.startswith("docs/"), path
		content = (ROOT / path).read_bytes()
		assert content.startswith(PNG_SIGNATURE) and len(content) > 10_000, f"{path} is not a real screenshot"


def test_the_screenshot_script_takes_what_the_readme_shows():
	from tests.browser.screenshots import SHOTS

	assert sorted(f"docs/{name}" for name in SHOTS) == sorted(IMAGE.findall(README))


def test_the_first_screen_gives_the_two_commands_and_the_logins():
	first_screen = README[: README.index("What is here now:")]
	for text in (
		"./dev.sh start",
		"./dev.sh test",
		"Administrator / admin",
		"portal@example.com / Portal-demo-1",
	):
		assert text in first_screen, text
