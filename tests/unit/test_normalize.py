import pytest

from customer_lifecycle.utils.normalize import normalize_email, normalize_phone, normalize_text


@pytest.mark.parametrize(
	"raw, expected",
	[
		("  Jane.Doe@Example.COM ", "jane.doe@example.com"),
		("a+tag@sub.example.co.uk", "a+tag@sub.example.co.uk"),
		("", None),
		("   ", None),
		(None, None),
	],
)
def test_email_is_trimmed_and_lower_cased(raw, expected):
	assert normalize_email(raw) == expected


@pytest.mark.parametrize(
	"raw",
	[
		"jane",
		"jane@",
		"@example.com",
		"jane@example",
		"jane doe@example.com",
		"jane..doe@example.com",
		"j@-x.com",
	],
)
def test_bad_email_is_refused(raw):
	with pytest.raises(ValueError):
		normalize_email(raw)


@pytest.mark.parametrize(
	"raw, region, expected",
	[
		("020 7946 0958", "GB", "+442079460958"),
		("+44 20 7946 0958", None, "+442079460958"),
		("0044 20 7946 0958", "us", "+442079460958"),
		("082 123 4567", "ZA", "+27821234567"),
		("(201) 555-0123", "US", "+12015550123"),
		("", "GB", None),
		(None, "GB", None),
	],
)
def test_phone_becomes_e164(raw, region, expected):
	assert normalize_phone(raw, region) == expected


@pytest.mark.parametrize(
	"raw, region", [("12", "GB"), ("not a phone", "GB"), ("020 7946 0958", None), ("+44 12", None)]
)
def test_bad_phone_is_refused(raw, region):
	with pytest.raises(ValueError):
		normalize_phone(raw, region)


def test_text_collapses_white_space():
	assert normalize_text("  Acme   Trading\tLtd ") == "Acme Trading Ltd"
	assert normalize_text("   ") is None
