"""A firm's money is shown in its own currency: a new site whose country is Kenya, past the setup
wizard, keeps its amounts in Kenyan shillings with Frappe's symbol for them, "Sh".

Runs bench on a site of its own (made and dropped here), so the test site is not disturbed."""

import json

AMOUNTS = """
import json
from customer_lifecycle.utils.site_setup import complete_setup_wizard
from customer_lifecycle.lifecycle.engine import apply_action
complete_setup_wizard(country="Kenya", timezone="Africa/Nairobi")
customer = frappe.get_doc({"doctype": "Customer", "customer_name": "Wanjiru Kamau", "phone": "0712 345678"}).insert()
apply_action(customer.name, "Start Onboarding")
apply_action(customer.name, "Activate")
invoice = frappe.get_doc({"doctype": "Customer Invoice", "customer": customer.name,
	"items": [{"description": "Bookkeeping", "qty": 1, "rate": 12500}]}).insert()
invoice.submit()
customer.reload()
frappe.db.commit()
print(json.dumps({
	"settings": frappe.db.get_single_value("Customer Lifecycle Settings", "currency"),
	"default": frappe.db.get_default("currency"),
	"customer": customer.currency,
	"invoice": invoice.currency,
	"total": invoice.get_formatted("total"),
	"balance": customer.get_formatted("balance"),
	"phone": customer.phone,
}))
"""


def test_a_site_in_kenya_keeps_its_money_in_shillings(bench):
	site = bench.new_site("customer_lifecycle", prefix="kenya")
	seen = json.loads(bench.python(AMOUNTS, site).strip().splitlines()[-1])
	assert seen["settings"] == seen["default"] == seen["customer"] == seen["invoice"] == "KES"
	assert seen["total"] == "Sh 12,500.00" and seen["balance"] == "Sh 12,500.00"
	# and a local phone number is read as Kenyan
	assert seen["phone"] == "+254712345678"
