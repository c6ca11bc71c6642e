"""The admin site with a cockpit: the first page is an overview of what is
wrong, a monitor has a detail page, the engine a health page, and every admin
page carries a red banner while the engine has stopped or fallen behind."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from statuspage.cockpit import alarm


class CockpitSite(admin.AdminSite):
    # The overview lists every model; the sidebar would take the width the
    # monitor list needs to fit a 1280 px window.
    enable_nav_sidebar = False

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        from statuspage.cockpit.overview import overview

        return overview(self, request)

    def get_urls(self) -> list[URLPattern | URLResolver]:
        from statuspage.cockpit import detail, engine, overview, preview

        def staff(view: Any) -> Any:
            return self.admin_view(lambda request, **kw: view(self, request, **kw))

        urls = [
            path("cockpit/overview/", staff(overview.fragment), name="cockpit_overview"),
            path("cockpit/engine/", staff(engine.engine), name="cockpit_engine"),
            path("cockpit/preview/", staff(preview.preview), name="cockpit_markdown_preview"),
            path(
                "monitors/monitor/<int:pk>/detail/",
                staff(detail.detail),
                name="cockpit_monitor_detail",
            ),
        ]
        return urls + super().get_urls()

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_active and user.is_staff:
            context["engine_alarm"] = alarm.sentences()
        return context


def render(site: CockpitSite, request: HttpRequest, template: str, **context: Any) -> HttpResponse:
    from django.template.response import TemplateResponse

    request.current_app = site.name
    return TemplateResponse(request, template, {**site.each_context(request), **context})
