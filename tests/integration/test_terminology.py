"""The terminology setting: the chosen word reaches every text through Translation records, an admin's
own translations are kept, and the standard words bring everything back."""

import frappe
import pytest
from frappe import _

from customer_lifecycle.customers.terminology import PREFIX, preview, refresh, remove_all
from customer_lifecycle.utils.doctypes import SETTINGS
from tests.helpers import as_user

OURS = {"name": ("like", PREFIX + "%")}


def set_terms(singular, plural):
	settings = frappe.get_single(SETTINGS)
	settings.customer_term = singular
	settings.customer_term_plural = plural
	settings.save()
	return settings


@pytest.fixture
def english_user(personas):
	"""The manager persona reading the site in English, as a request of theirs would."""
	frappe.db.set_value("User", personas["manager"], "language", "en")
	previous = frappe.local.lang
	with as_user(personas["manager"]):
		frappe.local.lang = frappe.translate.get_user_lang()
		yield personas["manager"]
	frappe.local.lang = previous


def test_the_chosen_word_is_read_everywhere(english_user):
	set_terms("Client", "Clients")

	assert frappe.local.lang == "en"
	# the DocType's name: list title, breadcrumb, sidebar and the list's "Add" button read __(doctype)
	assert _("Customer") == "Client"
	assert f"{_('Add', context='Primary action in list view')} {_('Customer')}" == "Add Client"
	# texts Frappe builds on the name: form and dialog titles
	assert _("New {0}").format(_("Customer")) == "New Client"
	# a DocType label, another of the app's DocTypes, the workspace
	assert _(frappe.get_meta("Customer").get_label("customer_name")) == "Client Name"
	assert _("Customer Category") == "Client Category"
	assert _("Customers") == "Clients"
	# one of the app's messages
	assert _("Only a Customer Manager may merge customers.") == "Only a Client Manager may merge clients."
	# the desk's JavaScript reads the messages the boot carries
	messages = frappe.translate.get_messages_for_boot()
	assert messages["Customer"] == "Client"
	assert messages["Customer Lifecycle Change"] == "Client Lifecycle Change"
	# a visitor whose browser asks for British English (the portal)
	assert _("Customers", lang="en-GB") == "Clients"
	# website pages: `_()` in Jinja
	assert frappe.render_template("{{ _('Customers') }}: {{ _('New {0}').format(_('Customer')) }}", {}) == (
		"Clients: New Client"
	)
	# the settings' own fields keep naming the word they replace
	assert _("Word for a Customer") == "Word for a Customer"


def test_cached_boots_are_dropped_so_the_next_page_load_reads_the_words(english_user):
	frappe.cache.hset("bootinfo", english_user, {"__messages": {}})
	set_terms("Client", "Clients")
	assert frappe.cache.hget("bootinfo", english_user) is None


def test_another_word_rewrites_the_same_records(english_user):
	set_terms("Client", "Clients")
	names = set(frappe.get_all("Translation", filters=OURS, pluck="name"))
	assert len(names) >= 40

	set_terms("Policy Holder", "Policy Holders")
	assert set(frappe.get_all("Translation", filters=OURS, pluck="name")) == names
	assert _("Customer") == "Policy Holder"
	assert _("Where a customer moves when every required onboarding item is done.") == (
		"Where a policy holder moves when every required onboarding item is done."
	)


def test_switching_back_removes_every_record_the_app_wrote(english_user):
	before = frappe.db.count("Translation")
	set_terms("Client", "Clients")
	assert frappe.db.count("Translation", OURS) > 0

	set_terms("Customer", "Customers")
	assert frappe.db.count("Translation", OURS) == 0
	assert frappe.db.count("Translation") == before
	assert _("Customer") == "Customer"
	assert _("New {0}").format(_("Customer")) == "New Customer"


def test_an_admins_own_translations_survive(english_user):
	with as_user("Administrator"):
		mine = frappe.get_doc(
			{
				"doctype": "Translation",
				"language": "en",
				"source_text": "Customer Category",
				"translated_text": "Client Group",
			}
		).insert()

	set_terms("Client", "Clients")
	assert _("Customer Category") == "Client Group"  # the admin's wins over the app's
	assert not frappe.db.exists("Translation", {**OURS, "language": "en", "source_text": "Customer Category"})

	# an admin edits one of the app's records: it is theirs from then on
	edited = frappe.get_doc("Translation", {**OURS, "language": "en", "source_text": "Customer Type"})
	with as_user("Administrator"):
		edited.translated_text = "Kind of Client"
		edited.save()

	set_terms("Account", "Accounts")
	assert _("Customer Type") == "Kind of Client"
	assert _("Customer") == "Account"

	set_terms("Customer", "Customers")
	assert frappe.db.get_value("Translation", mine.name, "translated_text") == "Client Group"
	assert frappe.db.get_value("Translation", edited.name, "translated_text") == "Kind of Client"
	assert frappe.db.count("Translation", OURS) == 1
	assert _("Customer Category") == "Client Group"
	assert _("Customer") == "Customer"


def test_words_are_trimmed():
	set_terms("  Policy   Holder ", " Policy Holders")
	assert _("Customer", lang="en") == "Policy Holder"
	assert _("Customers", lang="en") == "Policy Holders"


@pytest.mark.parametrize(
	"singular, plural, label",
	[
		("", "Clients", "Word for a Customer"),
		("Client", "   ", "Word for Customers"),
		("<b>Client</b>", "Clients", "Word for a Customer"),
		("Client", "{0} Clients", "Word for Customers"),
	],
)
def test_blank_or_marked_up_words_are_refused_with_the_field_named(singular, plural, label):
	with pytest.raises(frappe.ValidationError) as error:
		set_terms(singular, plural)
	assert label in str(error.value)
	assert frappe.db.count("Translation", OURS) == 0


def test_refresh_covers_a_language_taken_up_since_and_remove_all_undoes_everything(personas):
	set_terms("Client", "Clients")
	frappe.db.set_value("User", personas["user"], "language", "fr")
	assert _("Customer", lang="fr") == "Customer"

	refresh()  # what a migrate does
	assert _("Customer", lang="fr") == "Client"
	assert _("Customer", lang="en") == "Client"

	remove_all()  # what an uninstall does
	assert frappe.db.count("Translation", OURS) == 0
	assert _("Customer", lang="en") == "Customer"


def test_the_preview_shows_the_words_to_people_who_may_read_the_settings(personas):
	with as_user(personas["manager"]):
		assert ["New Customer", "New Client"] in preview("Client", "Clients")["samples"]
		assert "error" in preview("<i>Client</i>", "Clients")
	with as_user(personas["outsider"]), pytest.raises(frappe.PermissionError):
		preview("Client", "Clients")
