from datetime import datetime

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core import pagecache
from core.enums import Status
from monitors import scheduling
from monitors.forms import MonitorForm
from monitors.models import Category, Monitor, StatusEvent

STATUS_COLOURS: dict[str, str] = {
    Status.UP: "#1a7f37",
    Status.DOWN: "#cf222e",
    Status.PENDING: "#6e7781",
    Status.MAINTENANCE: "#0969da",
}

# Tuples: one list serves as fields and as readonly_fields (or a fieldset),
# and only an immutable sequence fits both of their declared types.
EVENT_FIELDS = ("at", "from_status", "to_status", "reason")
STATE_SHOWN = (
    "status", "status_changed_at", "last_check", "next_check", "last_response_ms",
    "last_error", "cert_expires_at",
)  # fmt: skip


class MonitorInline(admin.TabularInline[Monitor, Category]):
    model = Monitor
    fields = ["name", "protocol", "target", "is_active", "status"]
    readonly_fields = ["status"]
    extra = 0
    show_change_link = True


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ["name", "display_order"]
    list_editable = ["display_order"]
    search_fields = ["name"]
    inlines = [MonitorInline]


class StatusEventInline(admin.TabularInline[StatusEvent, Monitor]):
    model = StatusEvent
    fields = readonly_fields = EVENT_FIELDS
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ["-at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[StatusEvent]:
        # The newest changes only: a monitor can flap thousands of times.
        ids = super().get_queryset(request).order_by("-at").values_list("pk", flat=True)[:20]
        return super().get_queryset(request).filter(pk__in=list(ids))


@admin.register(Monitor)
class MonitorAdmin(admin.ModelAdmin[Monitor]):
    form = MonitorForm
    list_display = [
        "name", "coloured_status", "protocol", "target", "category", "frequency",
        "last_check", "last_response_ms", "is_active",
    ]  # fmt: skip
    list_filter = ["status", "is_active", "protocol", "category", "frequency"]
    list_select_related = ["category"]
    search_fields = ["name", "target"]
    list_per_page = 100
    actions = ["pause", "resume"]
    inlines = [StatusEventInline]
    readonly_fields = STATE_SHOWN
    fieldsets = [
        (None, {"fields": ["name", "category", "protocol", "target", "is_active"]}),
        # protocol_fieldsets.js hides the sections of the other protocols.
        (_("TCP port"), {"fields": ["port"], "classes": ["for-protocol-tcp"]}),
        (_("Schedule"), {"fields": ["frequency", "locations", "retries", "timeout"]}),
        (
            _("HTTP"),
            {
                "fields": [
                    "allow_redirects",
                    "expected_status_codes",
                    "http_headers",
                    "http_body",
                    "expected_body",
                ],  # fmt: skip
                "classes": ["for-protocol-http"],
            },
        ),
        (_("Alerts"), {"fields": ["resend_every", "ssl_alert_days"]}),
        (_("Current state"), {"fields": STATE_SHOWN}),
    ]

    class Media:
        js = ["monitors/protocol_fieldsets.js"]

    def save_model(self, request: HttpRequest, obj: Monitor, form: object, change: bool) -> None:
        obj.save_settings()

    @admin.display(description=_("next check"))
    def next_check(self, monitor: Monitor) -> datetime | str:
        if monitor.pk and not monitor.is_active:
            return gettext("paused")
        return scheduling.next_check(monitor, timezone.now()) or gettext("at once")

    @admin.display(description=_("status"), ordering="status")
    def coloured_status(self, monitor: Monitor) -> str:
        return format_html(
            '<span style="color:{};font-weight:bold">● {}</span>',
            STATUS_COLOURS.get(monitor.status, "inherit"),
            monitor.get_status_display(),
        )

    @admin.action(description=_("Pause selected monitors"))
    def pause(self, request: HttpRequest, queryset: QuerySet[Monitor]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        count = Monitor.objects.filter(pk__in=ids).update(
            is_active=False, updated_at=timezone.now()
        )
        pagecache.changed(monitors=ids)  # a bulk update sends no signal
        self.message_user(
            request, ngettext("Paused %d monitor.", "Paused %d monitors.", count) % count,
            messages.SUCCESS,
        )  # fmt: skip

    @admin.action(description=_("Resume selected monitors"))
    def resume(self, request: HttpRequest, queryset: QuerySet[Monitor]) -> None:
        # Due at once, as a new monitor, so a resumed monitor is checked on the next tick.
        ids = list(queryset.values_list("pk", flat=True))
        count = Monitor.objects.filter(pk__in=ids).update(
            is_active=True, next_check_at=None, catch_up_at=None, updated_at=timezone.now()
        )
        pagecache.changed(monitors=ids)  # a bulk update sends no signal
        self.message_user(
            request, ngettext("Resumed %d monitor.", "Resumed %d monitors.", count) % count,
            messages.SUCCESS,
        )  # fmt: skip
