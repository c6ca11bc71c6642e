"""The cockpit's part of the monitor admin, registered over monitors/admin.py's
(this app is listed last): the change list's status word, 24-hour sparkline,
uptime and last-check age, links to the detail view, and a delete confirmation
that counts a monitor's history instead of listing every stored check."""

from functools import cache
from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import CASCADE, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from monitors import performance
from monitors.admin import MonitorAdmin
from monitors.models import Monitor
from statuspage.cockpit import charts
from statuspage.templatetags.cockpit_tags import short_age

TARGET_CHARS = 30
PROTOCOL_TAGS = {"http": "HTTP", "tcp": "TCP", "ping": "ICMP"}


@cache
def _detail_url_pattern() -> str:
    return reverse("admin:cockpit_monitor_detail", args=[12345]).replace("12345", "{}")


def detail_url(pk: int) -> str:
    """The detail's URL without a reverse() per row (a tenth of the list's time)."""
    return _detail_url_pattern().format(int(pk))


class SparklineChangeList(ChangeList):
    """Loads the shown monitors' last 24 hourly rollups in one query."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        self.now = timezone.now()
        rows = list(self.result_list)
        hours = performance.last_day_by_hour([m.pk for m in rows], self.now)
        for monitor in rows:
            monitor.last_day = hours.get(monitor.pk, [])
            monitor.listed_at = self.now


class CockpitMonitorAdmin(MonitorAdmin):
    list_display = [
        "name", "state", "last_24h", "uptime_24h", "checked", "where", "category",
    ]  # fmt: skip
    list_display_links = ["name"]
    # Each row costs Django's list machinery ~1 ms (bench/admin.py): 50 rows a
    # page keep the list near 100 ms; search and the filters find the rest.
    list_per_page = 50
    change_form_template = "admin/cockpit/monitor_change_form.html"

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return SparklineChangeList

    @admin.display(description=_("status"), ordering="status")
    def state(self, monitor: Monitor) -> str:
        """The word (never only a colour), a link to the monitor's detail; a paused
        monitor says so whatever it last was."""
        # Colours come from cockpit.css: the CSP (style-src 'self') drops style attributes.
        if monitor.is_active:
            kind, word = monitor.status, "● " + str(monitor.get_status_display())
        else:
            kind, word = "paused", "❚❚ " + str(_("Paused"))
        return format_html(
            '<a class="state state-text-{}" href="{}" title="{}">{}</a>',
            kind, detail_url(monitor.pk), _("Detail and history"), word,
        )  # fmt: skip

    @admin.display(description=_("last 24 h"))
    def last_24h(self, monitor: Monitor) -> SafeString:
        return charts.sparkline(getattr(monitor, "last_day", []))

    @admin.display(description=_("uptime 24 h"))
    def uptime_24h(self, monitor: Monitor) -> str:
        points = getattr(monitor, "last_day", [])
        checks = sum(p.checks for p in points)
        if not checks:
            return "—"
        return f"{100.0 * sum(p.successes for p in points) / checks:.2f}%"

    @admin.display(description=_("checked"), ordering="last_check")
    def checked(self, monitor: Monitor) -> str:
        if monitor.last_check is None:
            return str(_("never"))
        now = getattr(monitor, "listed_at", None) or timezone.now()
        return format_html(
            '<time datetime="{}" title="{}">{} ago</time>',
            monitor.last_check.isoformat(),
            f"{timezone.localtime(monitor.last_check):%Y-%m-%d %H:%M:%S}",
            short_age(now - monitor.last_check),
        )  # fmt: skip

    @admin.display(description=_("target"), ordering="target")
    def where(self, monitor: Monitor) -> str:
        """The protocol, and host:port for TCP or the target otherwise; long URLs
        are cut (the whole one in the tooltip) so the list fits 1280 px."""
        text = monitor.target
        if monitor.protocol == "tcp" and monitor.port:
            text = f"{text}:{monitor.port}"
        shown = text if len(text) <= TARGET_CHARS else text[: TARGET_CHARS - 1] + "…"
        return format_html(
            '<abbr class="proto" title="{}">{}</abbr> <span class="target" title="{}">{}</span>',
            monitor.get_protocol_display(), PROTOCOL_TAGS.get(monitor.protocol, ""), text, shown,
        )  # fmt: skip

    def get_deleted_objects(
        self, objs: Any, request: HttpRequest
    ) -> tuple[list[Any], dict[str, int], set[str], list[Any]]:
        """What deleting ``objs`` removes, counted per kind: listing every stored
        check of a busy monitor makes a page of millions of lines."""
        monitors = list(objs)
        ids = [m.pk for m in monitors]
        listed = [
            format_html(
                '{}: <a href="{}">{}</a>',
                str(Monitor._meta.verbose_name).capitalize(),
                reverse("admin:monitors_monitor_change", args=[m.pk]),
                m,
            )  # fmt: skip
            for m in monitors
        ]
        counts = {str(Monitor._meta.verbose_name_plural): len(monitors)}
        for relation in Monitor._meta.related_objects:
            if not relation.one_to_many or relation.on_delete is not CASCADE:
                continue
            model = relation.related_model
            n = model._default_manager.filter(**{f"{relation.field.name}__in": ids}).count()
            if n:
                counts[str(model._meta.verbose_name_plural)] = n
        perms_needed = set() if self.has_delete_permission(request) else {"monitor"}
        return listed, counts, perms_needed, []

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Monitor]) -> None:
        queryset.delete()


admin.site.unregister(Monitor)
admin.site.register(Monitor, CockpitMonitorAdmin)
