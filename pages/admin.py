"""Status pages in the admin: what each shows (categories and monitors, in
order), its look (logo, accent colour, footer) and who may read it."""

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.db import transaction
from django.db.models import Count, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.http.request import validate_host
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from pages.forms import StatusPageForm
from pages.models import PageCategory, PageMonitor, StatusPage


class PageCategoryInline(admin.TabularInline[PageCategory, StatusPage]):
    model = PageCategory
    fields = ["category", "position"]
    autocomplete_fields = ["category"]
    extra = 0


class PageMonitorInline(admin.TabularInline[PageMonitor, StatusPage]):
    model = PageMonitor
    fields = ["monitor", "position"]
    autocomplete_fields = ["monitor"]
    extra = 0


def page_url(page: StatusPage) -> str:
    """Where the page is read: its domain, else its path on this install."""
    if page.domain:
        return f"https://{page.domain}/"
    return f"{page.prefix}/"


@admin.register(StatusPage)
class StatusPageAdmin(admin.ModelAdmin[StatusPage]):
    form = StatusPageForm
    list_display = ["title", "slug", "domain", "access", "is_default", "components"]
    list_display_links = ["title"]
    list_filter = ["access", "is_default"]
    search_fields = ["title", "slug", "domain"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["current_logo"]
    inlines = [PageCategoryInline, PageMonitorInline]
    actions = ["delete_pages"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "domain", "is_default"]}),
        (
            _("Look"),
            {
                "fields": [
                    "description",
                    "current_logo",
                    "logo_upload",
                    "remove_logo",
                    "accent_colour",
                    "footer",
                ]  # fmt: skip
            },
        ),
        (_("Language and time"), {"fields": ["language", "time_zone"]}),
        (
            _("What it shows"),
            {"fields": ["shows_everything", "show_bars", "show_response_times", "show_history"]},
        ),
        (_("Who may read it"), {"fields": ["access", "password"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[StatusPage]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                category_count=Count("page_categories", distinct=True),
                monitor_count=Count("page_monitors", distinct=True),
            )
        )

    @admin.display(description=_("components"))
    def components(self, page: StatusPage) -> str:
        if page.shows_everything:
            return str(_("every monitor"))
        categories: int = getattr(page, "category_count", 0)
        monitors: int = getattr(page, "monitor_count", 0)
        return ", ".join(
            [
                ngettext("%d category", "%d categories", categories) % categories,
                ngettext("%d monitor", "%d monitors", monitors) % monitors,
            ]
        )

    @admin.display(description=_("current logo"))
    def current_logo(self, page: StatusPage) -> str:
        if not page.logo_digest:
            return str(_("none"))
        return format_html(
            '<img src="{}/logo/{}.png" alt="{}" height="64">',
            page.prefix,
            page.logo_digest,
            page.title,
        )

    def view_on_site(self, page: StatusPage) -> str:
        return page_url(page)

    def has_delete_permission(self, request: HttpRequest, obj: StatusPage | None = None) -> bool:
        if obj is not None and obj.is_default:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # delete_pages instead: it spares the default
        return actions

    @admin.action(description=_("Delete selected status pages"), permissions=["delete"])
    def delete_pages(self, request: HttpRequest, queryset: QuerySet[StatusPage]) -> Any:
        if queryset.filter(is_default=True).exists():
            self.message_user(
                request,
                _("The default page is kept: make another page the default to delete it."),
                messages.WARNING,
            )
            queryset = queryset.exclude(is_default=True)
            if not queryset.exists():
                return None
        return delete_selected(self, request, queryset)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[StatusPage]) -> None:
        super().delete_queryset(request, queryset.exclude(is_default=True))

    def save_model(
        self, request: HttpRequest, obj: StatusPage, form: ModelForm[StatusPage], change: bool
    ) -> None:
        with transaction.atomic():
            if obj.is_default:
                # Saved one by one (not update()): their signals drop the cached pages.
                for previous in StatusPage.objects.select_for_update().filter(is_default=True):
                    if previous.pk != obj.pk:
                        previous.is_default = False
                        previous.save(update_fields=["is_default", "updated_at"])
            super().save_model(request, obj, form, change)

    def _warn_of_host(self, request: HttpRequest, page: StatusPage) -> None:
        hosts = list(settings.ALLOWED_HOSTS)
        if page.domain and hosts != ["*"] and not validate_host(page.domain, hosts):
            self.message_user(
                request,
                _(
                    "%(domain)s is not in ALLOWED_HOSTS: add it there (and point the domain "
                    "at this install), or the page does not answer at that address."
                )
                % {"domain": page.domain},
                messages.WARNING,
            )

    def response_add(self, request: HttpRequest, obj: StatusPage, *args: Any) -> HttpResponse:
        self._warn_of_host(request, obj)
        return super().response_add(request, obj, *args)

    def response_change(self, request: HttpRequest, obj: StatusPage) -> HttpResponse:
        self._warn_of_host(request, obj)
        return super().response_change(request, obj)
