"""The cockpit's admins, registered over the apps' own (this app is listed
last in INSTALLED_APPS): they add what needs the top layer (the page's
Markdown, the detail view's URLs) without the apps importing upward."""

from statuspage.cockpit import incident_admin, maintenance_admin, monitor_admin  # noqa: F401
