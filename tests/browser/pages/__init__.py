"""Page objects for the browser tests (as frappe/crm's e2e/pages): what a person sees of the desk and
the portal, each selector in one place. Tests say what a person does and what the page must show;
how to find it on the page is said here."""

from tests.browser.pages.customer_form import CustomerForm, DuplicatesDialog
from tests.browser.pages.customer_list import CustomerList
from tests.browser.pages.desk import Desk, Dialog, LoginPage
from tests.browser.pages.portal import Portal
from tests.browser.pages.report import ReportView
from tests.browser.pages.settings import LifecycleSettingsForm, Workspace

__all__ = [
	"CustomerForm",
	"CustomerList",
	"Desk",
	"Dialog",
	"DuplicatesDialog",
	"LifecycleSettingsForm",
	"LoginPage",
	"Portal",
	"ReportView",
	"Workspace",
]
