"""Every page of the customer portal (www/portal), as a logged-in portal user opens them. Imports
nothing: the load driver, which must not import Frappe, and the tests read it."""

PORTAL_PAGES = (
	"/portal",
	"/portal/profile",
	"/portal/onboarding",
	"/portal/requests",
	"/portal/engagements",
	"/portal/invoices",
	"/portal/payments",
	"/portal/notes",
	"/portal/privacy",
)
