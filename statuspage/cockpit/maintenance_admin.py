"""Maintenance in the admin: end the window open now, or extend it by an hour,
from the list (actions) or the form (buttons); a recurring window may be left
without an end date and then repeats until staff end it."""

from datetime import timedelta
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from maintenance.models import ScheduledMaintenance

EXTEND_BY = timedelta(hours=1)


# The admin registered so far (maintenance's own, or alerts' with "notify
# subscribers"): the cockpit builds on whichever it is.
Registered: Any = type(admin.site.get_model_admin(ScheduledMaintenance))


class CockpitMaintenanceAdmin(Registered):  # type: ignore[misc]
    actions = ["end_now", "extend_an_hour"]
    change_form_template = "admin/cockpit/maintenance_change_form.html"

    def get_fieldsets(self, request: HttpRequest, obj: ScheduledMaintenance | None = None) -> Any:
        fieldsets: list[tuple[Any, dict[str, Any]]] = []
        for name, options in super().get_fieldsets(request, obj):
            if name == _("Repeat"):
                hint = _("Leave “repeat until” empty to repeat without end.")
                options = {**options, "description": hint}
            fieldsets.append((name, dict(options)))
        return fieldsets

    @admin.action(description=_("End the selected windows now"))
    def end_now(self, request: HttpRequest, queryset: QuerySet[ScheduledMaintenance]) -> None:
        ended = sum(row.end_now() for row in queryset)
        self.message_user(
            request,
            ngettext("Ended %d window.", "Ended %d windows.", ended) % ended
            if ended else _("None of the selected windows is open now."),
            messages.SUCCESS if ended else messages.WARNING,
        )  # fmt: skip

    @admin.action(description=_("Extend the selected windows by an hour"))
    def extend_an_hour(
        self, request: HttpRequest, queryset: QuerySet[ScheduledMaintenance]
    ) -> None:
        rows = list(queryset)
        for row in rows:
            row.extend(EXTEND_BY)
        self.message_user(
            request,
            ngettext("Extended %d window by an hour.", "Extended %d windows by an hour.",
                     len(rows)) % len(rows),
            messages.SUCCESS,
        )  # fmt: skip

    def get_urls(self) -> list[Any]:
        def button(action: str) -> Any:
            def view(request: HttpRequest, pk: int) -> HttpResponse:
                if request.method != "POST":
                    return HttpResponseNotAllowed(["POST"])
                row = get_object_or_404(ScheduledMaintenance, pk=pk)
                if not self.has_change_permission(request, row):
                    return HttpResponseNotAllowed(["GET"])
                getattr(self, action)(request, ScheduledMaintenance.objects.filter(pk=pk))
                return HttpResponseRedirect(
                    reverse("admin:maintenance_scheduledmaintenance_change", args=[pk])
                )

            return self.admin_site.admin_view(view)

        buttons: list[Any] = [
            path("<int:pk>/end-now/", button("end_now"), name="maintenance_end_now"),
            path("<int:pk>/extend/", button("extend_an_hour"), name="maintenance_extend"),
        ]
        return [*buttons, *super().get_urls()]


admin.site.unregister(ScheduledMaintenance)
admin.site.register(ScheduledMaintenance, CockpitMaintenanceAdmin)
