from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CockpitAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the cockpit's site (an overview as its first page)."""

    default = False
    default_site = "statuspage.cockpit.site.CockpitSite"


class CockpitConfig(AppConfig):
    """The cockpit's admin registrations; listed after the apps whose admins it extends."""

    default = True
    name = "statuspage.cockpit"
    label = "cockpit"
    verbose_name = "Cockpit"
