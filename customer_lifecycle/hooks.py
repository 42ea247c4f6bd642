# the module, not its names: Frappe reads every other name in this file as a hook
from customer_lifecycle.utils import customer_fields

app_name = "customer_lifecycle"
app_title = "Customer Lifecycle"
app_publisher = "customer_lifecycle developers"
app_description = "Every customer relationship from first contact to anonymization"
app_email = "dev@customer-lifecycle.invalid"
app_license = "mit"
# required_apps is left unset: Frappe resolves each entry through GitHub, and frappe is always there

# Whitelisted methods must type their arguments
require_type_annotated_api_methods = True
# Frappe keeps each controller's "auto-generated types" block in step with its DocType
export_python_type_annotations = True

# Desk assets: the forms' and lists' scripts (the two-step new-customer dialog ...), and styles
app_include_js = "customer_lifecycle.bundle.js"
app_include_css = "customer_lifecycle.bundle.css"

# Installation. One owner per DocType name: installing this app where another app or an admin made
# a DocType of one of its names (ERPNext's Customer), or such an app where this one is, is refused
# before anything is written, and so is a migrate that would swap one for the other (coexistence.py)
before_install = "customer_lifecycle.coexistence.before_install"
before_app_install = "customer_lifecycle.coexistence.before_app_install"
before_migrate = "customer_lifecycle.coexistence.before_migrate"
after_sync = "customer_lifecycle.install.after_sync"
after_migrate = "customer_lifecycle.install.after_migrate"
before_uninstall = "customer_lifecycle.install.before_uninstall"
# the site's country is known once the setup wizard is done
setup_wizard_complete = "customer_lifecycle.install.after_setup_wizard"

# Records synced from customer_lifecycle/fixtures on install and migrate. Only records that admins
# do not edit live there; the lifecycle Workflow is seeded once (customer_lifecycle/seeds) so that
# an admin's changes to it survive `bench migrate`.
fixtures = [
	{
		"dt": "Role",
		"filters": [["name", "in", ["Customer Manager", "Customer User", "Customer Portal User"]]],
	},
	{
		"dt": "Workflow State",
		"filters": [
			[
				"name",
				"in",
				["Prospect", "Onboarding", "Active", "Dormant", "Offboarding", "Offboarded", "Anonymized"],
			]
		],
	},
	{
		"dt": "Workflow Action Master",
		"filters": [
			[
				"name",
				"in",
				[
					"Start Onboarding",
					"Activate",
					"Mark Dormant",
					"Reactivate",
					"Start Offboarding",
					"Complete Offboarding",
					"Re-engage",
					"Anonymize",
				],
			]
		],
	},
	# access contact and site address on Address; marketing consent and a birth date on Contact; a
	# service visit's date on Event
	{
		"dt": "Custom Field",
		"filters": [
			["dt", "in", ["Address", "Contact", "Event"]],
			["module", "in", ["Customers", "Service"]],
		],
	},
	# the Customers workspace's blocks: the next 14 days' birthdays and anniversaries, and the open
	# customer tasks of the user's team
	{"dt": "Custom HTML Block", "filters": [["name", "in", ["Upcoming Dates", "Team Customer Tasks"]]]},
]

# A customer's contacts and addresses are Frappe's own, linked through Dynamic Link
doc_events = {
	# text longer than its column holds is refused naming the field (the app's DocTypes only)
	"*": {"validate": "customer_lifecycle.utils.lengths.check_text_lengths"},
	"Contact": {
		"validate": [
			"customer_lifecycle.customers.contacts.after_contact_validate",
			"customer_lifecycle.customers.dates.check_birth_date",
		],
		"on_update": "customer_lifecycle.customers.contacts.on_linked_update",
		"on_trash": "customer_lifecycle.customers.contacts.on_linked_trash",
		# marketing consent: its date, and withdrawal on unsubscribe
		"before_save": "customer_lifecycle.privacy.consent.set_consent_date",
	},
	"Address": {
		"on_update": "customer_lifecycle.customers.contacts.on_linked_update",
		"on_trash": "customer_lifecycle.customers.contacts.on_linked_trash",
	},
	# unsubscribing from a newsletter withdraws the contacts' marketing consent
	"Email Group Member": {
		"on_update": "customer_lifecycle.privacy.consent.withdraw_on_unsubscribe",
	},
	# emails on a customer's form also become its notes
	"Communication": {
		"after_insert": "customer_lifecycle.customers.notes.on_communication",
	},
	# a customer's files live in a folder of their own; an engagement's in a folder inside it
	"File": {
		"before_insert": [
			"customer_lifecycle.customers.files.set_folder",
			"customer_lifecycle.billing.engagements.set_file_folder",
		],
		# an engagement's folder is kept while the engagement is, from Frappe's File list too
		"on_trash": "customer_lifecycle.customers.files.keep_engagement_folder",
	},
}

# Portal users (website users linked to customers through Contact.user) reach only their own
# customers' records, by every route: documents, lists and portal pages (portal/access.py).
# Only the author or a Customer Manager edits or deletes a note (the form, REST and the API alike).
PORTAL_ACCESS = "customer_lifecycle.portal.access"
PORTAL_DOCTYPES = (
	"Customer",
	"Customer Invoice",
	"Customer Payment",
	"Engagement",
	"Customer Note",
	"Onboarding Checklist",
	"Generated Document",
	"Information Request",
	"Contact",
	"Address",
	"Service Subscription",
	# Frappe's own: a service visit is an Event the customer takes part in
	"Event",
)
has_permission = {doctype: f"{PORTAL_ACCESS}.has_permission" for doctype in PORTAL_DOCTYPES}
# Frappe asks the last hook first: the portal's refusal comes before the note author's rule
has_permission["Customer Note"] = [
	"customer_lifecycle.customers.notes.has_permission",
	f"{PORTAL_ACCESS}.has_permission",
]
permission_query_conditions = {doctype: f"{PORTAL_ACCESS}.query_conditions" for doctype in PORTAL_DOCTYPES}
has_website_permission = {doctype: f"{PORTAL_ACCESS}.has_website_permission" for doctype in PORTAL_DOCTYPES}

# The portal: pages under /portal, in the website's sidebar for portal users, who land there
PORTAL_ROLE = "Customer Portal User"
portal_menu_items = [
	{"title": title, "route": route, "role": PORTAL_ROLE}
	for title, route in (
		("Overview", "/portal"),
		("Profile", "/portal/profile"),
		("Onboarding", "/portal/onboarding"),
		("Requests", "/portal/requests"),
		("Engagements", "/portal/engagements"),
		("Invoices", "/portal/invoices"),
		("Payments", "/portal/payments"),
		("Notes", "/portal/notes"),
		("Documents", "/portal/documents"),
		("My Data", "/portal/privacy"),
	)
]
role_home_page = {PORTAL_ROLE: "portal"}
website_route_rules = [{"from_route": "/portal/invoices/<name>", "to_route": "portal/invoice"}]

scheduler_events = {
	# the watchdog: a long job whose worker died is marked Failed, with why and how far it got
	"cron": {"* * * * *": ["customer_lifecycle.utils.jobs.watch"]},
	"daily": [
		"customer_lifecycle.onboarding.checklists.notify_overdue_items",
		# information requests: overdue ones marked so, reminders before and after the due date
		"customer_lifecycle.onboarding.requests.daily",
		"customer_lifecycle.billing.invoices.mark_overdue",
		# nightly segments (revenue, activity, payment) and dormancy moves through the workflow
		"customer_lifecycle.analytics.segments.update_segments",
		"customer_lifecycle.lifecycle.dormancy.run",
		# service plans: visits (Events) and period invoices, customers outside the billable states held
		"customer_lifecycle.service.job.run",
	],
}

# The desk's action menu: Frappe's apply_workflow, taking the reason its prompt adds to the document
# (any call of Frappe's apply_workflow counts as a workflow action without it; lifecycle/engine.py)
override_whitelisted_methods = {
	"frappe.model.workflow.apply_workflow": "customer_lifecycle.api.lifecycle.apply_workflow",
	# the desk calendar's events, which Frappe reads with raw SQL and no permission hook: staff only
	"frappe.desk.doctype.event.event.get_events": "customer_lifecycle.api.service.get_events",
}

# an import keeps the name of the saved mapping it was given: the mapping may still be deleted
ignore_links_on_delete = ["Customer Import"]

additional_timeline_content = {
	"Customer": ["customer_lifecycle.lifecycle.engine.timeline"],
}

standard_queries = {
	"Customer": "customer_lifecycle.customers.search.customer_query",
}

# Personal Data Download and Deletion Requests (Frappe) cover the app's records too: a customer by its
# email (Contact and Address are Frappe's own entries), and what a staff user wrote or did
user_data_fields = [
	{
		"doctype": "Customer",
		"filter_by": "email",
		"redact_fields": list(customer_fields.REDACTED_FIELDS),
	},
	{"doctype": "Customer Note", "filter_by": "owner"},
	{"doctype": "Customer Flag", "filter_by": "raised_by"},
	{"doctype": "Customer Lifecycle Change", "filter_by": "changed_by"},
]

# each long job's check of its runs whose worker died (utils/jobs.py watch, every minute)
dead_run_checks = [
	"customer_lifecycle.customers.doctype.customer_import.customer_import.fail_dead_imports",
	"customer_lifecycle.customers.bulk_actions.fail_dead_runs",
	"customer_lifecycle.utils.jobs.fail_dead_scheduled_runs",
]

# a bulk action's results and a long run's sign of life outlive a full cache clear (Frappe clears
# everything when a user is made)
persistent_cache_keys = ["customer_lifecycle:bulk:*", "customer_lifecycle:run:*"]

# the Customer 360 header's billing figures (open engagements, open invoices, balance) and its open
# information requests
customer_summary_figures = [
	"customer_lifecycle.billing.summary.figures",
	"customer_lifecycle.onboarding.requests.summary_figures",
]
