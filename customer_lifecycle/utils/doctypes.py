"""The app's DocType and role names, each written once: every module imports them from here."""

CUSTOMER = "Customer"
CATEGORY = "Customer Category"
NOTE = "Customer Note"
FLAG = "Customer Flag"
CUSTOMER_IMPORT = "Customer Import"
SETTINGS = "Customer Lifecycle Settings"
CHANGE_LOG = "Customer Lifecycle Change"
CHECKLIST = "Onboarding Checklist"
CHECKLIST_ITEM = "Onboarding Checklist Item"
TEMPLATE = "Onboarding Checklist Template"
ENGAGEMENT = "Engagement"
INVOICE = "Customer Invoice"
INVOICE_ITEM = "Customer Invoice Item"
PAYMENT = "Customer Payment"
ALLOCATION = "Customer Payment Allocation"
RATE = "Customer Rate"
SERVICE_PLAN = "Service Plan"
SUBSCRIPTION = "Service Subscription"
# Frappe's own calendar record: a subscription's visits are Events
EVENT = "Event"

# the customer's lifecycle state, a field of Customer that only the workflow changes
STATE_FIELD = "lifecycle_status"

MANAGER_ROLE = "Customer Manager"
USER_ROLE = "Customer User"
PORTAL_ROLE = "Customer Portal User"
