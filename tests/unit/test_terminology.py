"""The word replacement behind the terminology setting: case, plural, whole words only."""

import pytest

from customer_lifecycle.customers.terminology import in_case_of, normalize_term, record_name, replace_terms


@pytest.mark.parametrize(
	"text, expected",
	[
		("Customer", "Client"),
		("Customers", "Clients"),
		("customer", "client"),
		("customers", "clients"),
		("CUSTOMER", "CLIENT"),
		("CUSTOMERS", "CLIENTS"),
		("New Customer", "New Client"),
		("Customer Category", "Client Category"),
		("Too Many Customers", "Too Many Clients"),
		("Only a Customer Manager may merge customers.", "Only a Client Manager may merge clients."),
		("A new customer's billing address", "A new client's billing address"),
		("the new-customer dialog", "the new-client dialog"),
		("Customers: {0}", "Clients: {0}"),
		("(customer {1})", "(client {1})"),
	],
)
def test_the_word_is_replaced_in_its_case_and_number(text, expected):
	assert replace_terms(text, "Client", "Clients") == expected


@pytest.mark.parametrize(
	"text",
	[
		"customerly",
		"Customership",
		"Supercustomer",
		"customer_name",
		"CustomerCategory",
		"customer2",
		"Custom Field",
		"Customize Form",
	],
)
def test_other_words_that_contain_it_are_left_alone(text):
	assert replace_terms(text, "Client", "Clients") == text


@pytest.mark.parametrize(
	"text, expected",
	[
		("{customer} was archived", "{customer} was archived"),
		(
			"Hello {{ customer.customer_name }}, dear customer",
			"Hello {{ customer.customer_name }}, dear client",
		),
		("%(customer)s is a customer", "%(customer)s is a client"),
		(
			'Open <a href="/app/customer/{0}">the customer</a>',
			'Open <a href="/app/customer/{0}">the client</a>',
		),
		("See /app/customer for every customer", "See /app/customer for every client"),
		("<b>Customer</b> saved", "<b>Client</b> saved"),
	],
)
def test_placeholders_tags_and_paths_are_not_prose(text, expected):
	assert replace_terms(text, "Client", "Clients") == expected


@pytest.mark.parametrize(
	"found, word, expected",
	[
		("Customer", "Policy Holder", "Policy Holder"),
		("customer", "Policy Holder", "policy holder"),
		("CUSTOMER", "Policy Holder", "POLICY HOLDER"),
		("customer", "VIP", "VIP"),
		("customer", "eClient", "eClient"),
		("Customer", "client", "Client"),
		("customers", "E-Clients", "e-clients"),
	],
)
def test_multi_word_acronym_and_lower_case_terms(found, word, expected):
	assert in_case_of(found, word) == expected


def test_standard_words_change_nothing():
	text = "Only a Customer Manager may merge customers."
	assert replace_terms(text, "Customer", "Customers") == text


def test_singular_and_plural_are_independent():
	assert (
		replace_terms("One customer, many customers", "Account", "Accounts") == "One account, many accounts"
	)
	assert replace_terms("One customer, many customers", "Sheep", "Sheep") == "One sheep, many sheep"


@pytest.mark.parametrize(
	"raw, expected",
	[
		("Client", "Client"),
		("  Policy   Holder ", "Policy Holder"),
		("E-Client", "E-Client"),
		("Mandant", "Mandant"),
		("Cliënt", "Cliënt"),
		("Клиент", "Клиент"),
	],
)
def test_plain_words_are_accepted_and_trimmed(raw, expected):
	assert normalize_term(raw) == expected


@pytest.mark.parametrize(
	"raw",
	[
		"",
		"   ",
		None,
		"<b>Client</b>",
		"Client<script>",
		"{0}",
		"Cli{ent}",
		'The "Client"',
		"Client's",
		"a_b",
		"x" * 41,
	],
)
def test_blank_or_marked_up_words_are_refused(raw):
	with pytest.raises(ValueError):
		normalize_term(raw)


def test_record_names_are_stable_and_distinct():
	assert record_name("en", "Customer", None) == record_name("en", "Customer", "")
	assert record_name("en", "Customer", None).startswith("cl-term-en-")
	names = {
		record_name("en", "Customer", None),
		record_name("en-GB", "Customer", None),
		record_name("en", "Customers", None),
		record_name("en", "Customer", "Column of report 'X'"),
	}
	assert len(names) == 4
