"""What the importer's unit tests know of a site: the Rules of a site with the app's Customer
fields, types, a few categories and countries, and the seeded lifecycle states (no database)."""

from customer_lifecycle.customers.importer.rules import Rules

LABELS = {
	"customer_name": "Customer Name",
	"customer_type": "Customer Type",
	"customer_category": "Customer Category",
	"email": "Email",
	"phone": "Phone",
	"id_number": "ID Number",
	"notes": "Notes",
	"address_line1": "Address Line 1",
	"address_line2": "Address Line 2",
	"city": "City/Town",
	"county": "County/State",
	"pincode": "Postal Code",
	"country": "Country",
}
STATES = ("Prospect", "Onboarding", "Active", "Dormant", "Offboarding", "Offboarded", "Anonymized")


def make_rules() -> Rules:
	columns = {}
	for fieldname, label in LABELS.items():
		columns[fieldname] = fieldname
		columns[label.lower()] = fieldname
	return Rules(
		columns=columns,
		labels=LABELS,
		customer_types=("Individual", "Company", "Trust"),
		default_type="Individual",
		categories={c.lower(): c for c in ("Retail", "Wholesale", "VIP", "Corporate", "Member")},
		countries={
			"united kingdom": "United Kingdom",
			"gb": "United Kingdom",
			"south africa": "South Africa",
			"za": "South Africa",
		},
		lengths={
			"customer_name": 140,
			"email": 140,
			"phone": 40,
			"id_number": 64,
			"address_line1": 140,
			"city": 140,
		},
		region="GB",
		default_country="United Kingdom",
		name_key=lambda name: " ".join(sorted(name.lower().split())),
		company_type="Company",
		states={state.casefold(): state for state in STATES},
	)
