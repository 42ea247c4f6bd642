"""One site, one owner per DocType name: the app refuses to share a name with another app.

Frappe keys a DocType by its name alone. When two apps define the same name (ERPNext also defines
`Customer`), installing or migrating the second deletes the first one's definition and imports its
own in its place, whatever module owned it: the first app's code then runs on the other's table.
Frappe gives no warning, so the app checks before anything is written:

- `before_install` (this app onto a site): refused when the site already has a DocType of one of the
  app's names that another app, module or admin made (a custom DocType);
- `before_app_install` (another app onto a site that has this one): refused when that app defines
  one of the app's names;
- `before_migrate`: refused when another installed app defines one of the app's names, or the site's
  record of one of them belongs to another module (so a migrate never turns one app's DocType
  into the other's).

A refusal raises frappe.IncompatibleApp, which `bench install-app` reports as the app being
incompatible with the site, without a traceback; nothing has been written by then.
"""

from functools import cache

import frappe
from frappe import _

from customer_lifecycle.utils.app_files import records_in_files

APP = "customer_lifecycle"


@cache
def doctypes_of(app: str) -> dict[str, str]:
	"""DocType name -> module, for every DocType that `app` defines in its files."""
	return {name: module for _doctype, name, module in records_in_files(app, ("doctype",))}


def app_title(app: str) -> str:
	titles = frappe.get_hooks("app_title", app_name=app)
	return titles[-1] if titles else app


def site_owner(doctype: str) -> str | None:
	"""Who made the site's DocType of this name, as a person reads it ("ERPNext's Customer"), or
	None when the site has none or it is this app's."""
	record = frappe.db.get_value("DocType", doctype, ["module", "custom"], as_dict=True)
	if not record:
		return None
	app = frappe.db.get_value("Module Def", record.module, "app_name")
	if not record.custom and (app == APP or record.module in app_modules()):
		return None
	if record.custom:
		return _("the custom DocType {0} (module {1}) made on this site").format(doctype, record.module)
	if not app:
		return _("the DocType {0} of module {1}").format(doctype, record.module)
	return _("{0}'s {1} (module {2})").format(app_title(app), doctype, record.module)


def app_modules() -> set[str]:
	return set(doctypes_of(APP).values())


def refuse(message: str) -> None:
	raise frappe.IncompatibleApp(message)


def before_install() -> None:
	"""This app onto a site whose DocType of one of its names another app or an admin made."""
	taken = [owner for owner in map(site_owner, sorted(doctypes_of(APP))) if owner]
	if taken:
		refuse(
			_(
				"{0} defines DocTypes that this site already has: {1}. Installing it would replace those "
				"definitions and leave their records with another app's fields and code. Install {0} on "
				"a site without them (for ERPNext: a site of its own), or remove them first."
			).format(app_title(APP), "; ".join(taken))
		)


def before_app_install(app: str) -> None:
	"""Another app onto a site that has this one, when it defines one of this app's names."""
	if app == APP:
		return
	shared = sorted(set(doctypes_of(app)) & set(doctypes_of(APP)))
	if shared:
		refuse(
			_(
				"{0} cannot be installed on this site: it defines {1}, which {2} already owns here. "
				"Installing it would replace {2}'s definitions and leave its records with {0}'s fields "
				"and code. Install {0} on a site of its own."
			).format(app_title(app), ", ".join(name for name in shared), app_title(APP))
		)


def before_migrate() -> None:
	"""Neither another installed app's definition nor the site's record of one of this app's names
	may stand in for this app's own."""
	ours = set(doctypes_of(APP))
	for app in frappe.get_installed_apps():
		if app != APP and (shared := sorted(ours & set(doctypes_of(app)))):
			refuse(
				_(
					"{0} and {1} are both installed and both define {2}: a migrate would turn one's "
					"DocType into the other's. Keep one of them on this site."
				).format(app_title(APP), app_title(app), ", ".join(name for name in shared))
			)
	taken = [owner for owner in map(site_owner, sorted(ours)) if owner]
	if taken:
		refuse(
			_(
				"This site's {0} is not {1}'s: a migrate would replace it. Keep one of them on this site."
			).format("; ".join(taken), app_title(APP))
		)
