from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from maintenance.models import ScheduledMaintenance
from maintenance.wording import every


@admin.register(ScheduledMaintenance)
class ScheduledMaintenanceAdmin(admin.ModelAdmin[ScheduledMaintenance]):
    list_display = ["name", "starts_at", "duration", "recurrence", "next_window"]
    list_filter = ["recurring"]
    search_fields = ["name", "message"]
    filter_horizontal = ["monitors"]
    fieldsets = [
        (None, {"fields": ["name", "message", "monitors"]}),
        (_("When"), {"fields": ["starts_at", ("duration_hours", "duration_minutes")]}),
        (_("Repeat"), {"fields": ["recurring", ("recur_every", "recur_unit"), "recur_until"]}),
    ]

    @admin.display(description=_("repeats"))
    def recurrence(self, row: ScheduledMaintenance) -> str:
        if not row.recurring:
            return "—"
        return every(row.recur_every or 1, row.recur_unit)

    @admin.display(description=_("next window"))
    def next_window(self, row: ScheduledMaintenance) -> str | StrPromise:
        window = row.next_window(timezone.now())
        if window is None:
            return _("finished")
        start = timezone.localtime(window[0])
        return f"{start:%Y-%m-%d %H:%M} {start.tzname()}"
