"""Document Templates rendered without a database: escaping, what is missing, the sandbox, and the line
a problem is reported on."""

import pytest
from markupsafe import Markup

from customer_lifecycle.customers.documents.rendering import Record, TemplateProblem, check, render


def context(**records):
	base = {
		"customer": Record("customer", {"customer_name": "Ada Lovelace", "email": "", "balance": 0}),
		"contact": Record("contact"),
		"address": Record("address"),
		"engagement": Record("engagement"),
		"open_invoices": [],
	}
	base.update(records)
	return base


def test_values_are_escaped_and_markup_is_kept():
	ctx = context(
		customer=Record("customer", {"customer_name": '<img src="http://evil.example/x">Ada'}),
		engagement=Record("engagement", {"description": Markup("<p>Yearly <b>audit</b></p>")}),
	)
	html = render("<h1>{{ customer.customer_name }}</h1>{{ engagement.description }}", ctx)
	assert html == ("<h1>&lt;img src=&#34;http://evil.example/x&#34;&gt;Ada</h1><p>Yearly <b>audit</b></p>")


def test_missing_records_and_fields_print_nothing():
	"""No primary contact, no billing address, no engagement, an empty field: a document, no error."""
	source = (
		"Dear {{ contact.first_name or customer.customer_name }},"
		"[{{ contact.phone }}][{{ address.city | upper }}][{{ address.lines | join(', ') }}]"
		"[{{ engagement.title }}][{{ engagement.client.deep.name }}]"
		"{% if engagement %}about {{ engagement.title }}{% endif %}"
		"{% for invoice in open_invoices %}{{ invoice.name }}{% endfor %}[{{ customer.email }}]"
	)
	assert render(source, context()) == "Dear Ada Lovelace,[][][][][][]"


def test_none_prints_as_nothing():
	ctx = context(contact=Record("contact", {"phone": None}))
	assert render("[{{ contact.phone }}]", ctx) == "[]"


def test_a_records_fields_are_read_before_dict_methods():
	"""A field may be called `items` or `get`; a method of the record is never reached."""
	ctx = context(customer=Record("customer", {"items": "3 boxes"}))
	assert render("{{ customer.items }} {{ customer['items'] }}", ctx) == "3 boxes 3 boxes"
	with pytest.raises(TemplateProblem, match="customer has no field 'update'"):
		render("{{ customer.update({'x': 1}) }}", ctx, strict=True)


def test_strict_rendering_names_a_misspelt_field_and_its_line():
	with pytest.raises(TemplateProblem) as e:
		render("<p>Dear</p>\n<p>{{ customer.custmer_name }}</p>", context(), strict=True)
	assert (e.value.line, e.value.message) == (2, "customer has no field 'custmer_name'")


def test_strict_rendering_names_an_unknown_name():
	with pytest.raises(TemplateProblem) as e:
		render("one\ntwo\n{{ custmer.customer_name }}", context(), strict=True)
	assert e.value.line == 3 and "'custmer' is undefined" in e.value.message


def test_a_syntax_error_is_reported_with_its_line():
	with pytest.raises(TemplateProblem) as e:
		render("<p>ok</p>\n<p>ok</p>\n<p>{{ customer.balance + }}</p>", context())
	assert (e.value.line, e.value.message) == (3, "unexpected 'end of print statement'")
	with pytest.raises(TemplateProblem) as e:
		render("<p>ok</p>\n<p>{% if customer.balance %}owing</p>", context())
	assert e.value.line == 2 and "endif" in e.value.message


def test_an_error_while_rendering_is_reported_with_its_line():
	with pytest.raises(TemplateProblem) as e:
		render("a\nb\n{{ 100 / customer.balance }}", context())
	assert (e.value.line, e.value.message) == (3, "ZeroDivisionError: division by zero")


@pytest.mark.parametrize(
	"source",
	[
		"{{ ''.__class__.__mro__ }}",
		"{{ customer.__class__ }}",
		"{{ open_invoices.append(1) }}",
		"{{ frappe.db.set_value('Customer', 'x', 'email', 'y') }}",
	],
)
def test_the_sandbox_refuses_what_a_template_must_not_reach(source):
	"""No Python internals, no changing the context, and no Frappe: its Jinja globals write to the
	database."""
	with pytest.raises(TemplateProblem):
		render(source, context(), strict=True)
	# generating, what is refused is missing: it prints nothing, or the render stops
	try:
		assert render(source, context()) == ""
	except TemplateProblem:
		pass


def test_check_renders_every_sample_and_raises_the_first_problem():
	full = context(contact=Record("contact", {"first_name": "Ada"}))
	check("{{ contact.first_name }}", [(full, True), (context(), False)])
	with pytest.raises(TemplateProblem, match="contact has no field 'surname'"):
		check("{{ contact.surname }}", [(full, True), (context(), False)])
	# what only the bare sample breaks on is caught too
	with pytest.raises(TemplateProblem, match="ZeroDivisionError"):
		check(
			"{{ 10 / (open_invoices | length) }}",
			[({**full, "open_invoices": [1]}, True), (context(), False)],
		)
