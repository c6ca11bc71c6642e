from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = _("Status pages")

    def ready(self) -> None:
        from core import pagecache
        from pages import scope

        # The engine (below this app) names the monitors whose status changed;
        # only the pages showing them are dropped.
        pagecache.resolve_pages_with(scope.pages_showing)
