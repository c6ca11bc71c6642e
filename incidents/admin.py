from typing import Any

from django import forms
from django.contrib import admin, messages
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.enums import IncidentStatus
from incidents.forms import IncidentForm
from incidents.models import Incident, IncidentQuerySet, IncidentUpdate


class IncidentUpdateInline(admin.TabularInline[IncidentUpdate, Incident]):
    model = IncidentUpdate
    fields = ["created_at", "status", "message"]
    extra = 0


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin[Incident]):
    form: type[forms.ModelForm[Incident]] = IncidentForm
    list_display = [
        "name",
        "severity",
        "status",
        "created_at",
        "resolved_at",
        "show_on_status_page",
    ]
    list_filter = ["status", "severity", "show_on_status_page"]
    search_fields = ["name", "message"]
    date_hierarchy = "created_at"
    filter_horizontal = ["monitors"]
    readonly_fields = ["resolved_at"]
    fields = [
        "name", "severity", "status", "message", "monitors", "show_on_status_page",
        "created_at", "resolved_at",
    ]  # fmt: skip
    inlines = [IncidentUpdateInline]
    actions = ["resolve"]

    def save_formset(
        self,
        request: HttpRequest,
        form: object,
        formset: BaseInlineFormSet[IncidentUpdate, Incident, Any],
        change: bool,
    ) -> None:
        super().save_formset(request, form, formset, change)
        # A timeline entry written by hand becomes the incident's current state.
        formset.instance.follow_latest_update()

    @admin.action(description=_("Resolve selected incidents"))
    def resolve(self, request: HttpRequest, queryset: IncidentQuerySet[Incident]) -> None:
        count = 0
        for incident in queryset.active():
            incident.status = IncidentStatus.RESOLVED
            incident.message = str(_("This incident has been resolved."))
            incident.save()
            count += 1
        self.message_user(
            request, ngettext("Resolved %d incident.", "Resolved %d incidents.", count) % count,
            messages.SUCCESS,
        )  # fmt: skip
