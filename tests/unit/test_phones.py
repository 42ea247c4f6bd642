"""The phone short cuts (utils.phones) against the phonenumbers library: wherever they answer, they
answer as normalize_phone does with the library's own parsing and checks (no database)."""

import random

import phonenumbers

from customer_lifecycle.utils.normalize import normalize_phone
from customer_lifecycle.utils.phones import e164_phone, is_valid_number, national_phone


def example_numbers():
	"""(region, phonenumbers' example number) for every region's mobile, fixed-line and toll-free
	numbers, where it has one."""
	for region in sorted(phonenumbers.SUPPORTED_REGIONS):
		for kind in (
			phonenumbers.PhoneNumberType.MOBILE,
			phonenumbers.PhoneNumberType.FIXED_LINE,
			phonenumbers.PhoneNumberType.TOLL_FREE,
		):
			example = phonenumbers.example_number_for_type(region, kind)
			if example:
				yield region, example


def normalized(text, region):
	try:
		return normalize_phone(text, region)
	except ValueError:
		return ValueError


def short_cut(text):
	try:
		return e164_phone(text)
	except ValueError:
		return ValueError


def test_the_national_short_cut_agrees_with_normalize_phone():
	"""national_phone skips phonenumbers.parse for numbers written as dialled within the site's
	region: wherever it answers, it answers as normalize_phone does (numbers of every region, in
	their national and other forms, valid and not, with digits changed, dropped or added, with the
	international prefix or the country code in front), and it answers for most national forms."""
	rng = random.Random(11)
	answered = national = at_home = 0
	for region, example in example_numbers():
		written = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
		digits = "".join(ch for ch in written if ch.isdigit())
		texts = [written, digits, f"({digits[:3]}) {digits[3:]}", written[:-1], written + "1"]
		texts += [f"{example.country_code}{digits}", f"00{example.country_code}{example.national_number}"]
		for _ in range(4):
			changed = list(digits)
			changed[rng.randrange(len(changed))] = str(rng.randint(0, 9))
			texts += ["".join(changed), "0" + "".join(changed[1:])]
		for text in texts:
			for site_region in (region, "GB"):
				got = national_phone(text, site_region)
				if got is not None:
					assert got == normalized(text, site_region), (text, site_region)
					answered += 1
		if normalized(written, region) is not ValueError:
			national += 1
			at_home += national_phone(written, region) is not None
	assert answered > 1500
	# most valid numbers written as dialled at home are answered by the short cut
	assert at_home > 0.75 * national
	assert national_phone("07400 123456", "GB") == "+447400123456"
	assert national_phone("(020) 7946-0958", "gb") == "+442079460958"
	assert national_phone("+44 20 7946 0958", "GB") is None


def test_the_e164_short_cut_agrees_with_normalize_phone():
	"""e164_phone skips phonenumbers.parse for text already in E.164 form: wherever it answers, it
	answers as normalize_phone does, whatever the site's region (numbers of every country code,
	valid and not, with a national prefix or a leading 0 after the code)."""
	rng = random.Random(2026)
	texts = []
	for region in sorted(phonenumbers.SUPPORTED_REGIONS):
		for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE):
			example = phonenumbers.example_number_for_type(region, kind)
			if example:
				text = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
				texts += [text, text[:-1], text + "7", text[:-2] + str(rng.randint(10, 99))]
	for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
		for length in range(1, 14):
			digits = "".join(str(rng.randint(0, 9)) for _ in range(length))
			texts += [f"+{code}{digits}", f"+{code}0{digits}", f"+{code}1{digits}"]
	answered = 0
	for text in texts:
		answer = short_cut(text)
		if answer is None:
			continue
		answered += 1
		for region in ("GB", "US", "ZA", None):
			assert answer == normalized(text, region), (text, region)
	assert answered > len(texts) / 2
	# the common case answers with the text itself; anything else is left to normalize_phone
	assert e164_phone("+447400123456") == "+447400123456"
	assert short_cut("+44740012345") is ValueError
	for text in (
		"+44 7400 123456",
		"07400 123456",
		"+4407400123456",
		"0044 7400 123456",
		"+447400123456 ext 2",
	):
		assert e164_phone(text) is None


def test_phone_numbers_are_normalised_as_normalize_phone_does():
	"""normalize_phone with the faster validity check (is_valid_number: patterns compiled once)
	gives what it gives with phonenumbers' own, for numbers of every region written every way, valid
	or not, whatever the site's region; is_valid_number agrees with phonenumbers' on random numbers
	of every code."""
	rng = random.Random(7)
	answered = 0
	for region, example in example_numbers():
		texts = [
			phonenumbers.format_number(example, style)
			for style in (
				phonenumbers.PhoneNumberFormat.NATIONAL,
				phonenumbers.PhoneNumberFormat.E164,
				phonenumbers.PhoneNumberFormat.INTERNATIONAL,
			)
		]
		texts += [texts[0][:-1], texts[1] + "1", "00" + texts[1][1:]]
		digits = list(str(example.national_number))
		for _ in range(3):
			changed = digits.copy()
			changed[rng.randrange(len(changed))] = str(rng.randint(0, 9))
			texts += [f"+{example.country_code}{''.join(changed)}", "0" + "".join(changed)]
		for text in texts:
			for site_region in (region, "GB", None):
				expected = normalized(text, site_region)
				try:
					got = normalize_phone(text, site_region, is_valid_number)
				except ValueError:
					got = ValueError
				assert got == expected, (text, site_region)
				answered += expected is not ValueError
	assert answered > 1000
	for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
		for _ in range(25):
			national = str(rng.randint(1, 9)) + "".join(
				str(rng.randint(0, 9)) for _ in range(rng.randint(2, 13))
			)
			number = phonenumbers.PhoneNumber(country_code=code, national_number=int(national))
			assert is_valid_number(number) == phonenumbers.is_valid_number(number), (code, national)
