"""Incidents in the admin: one way to post an update (the status and message
at the top of the form), stamped when it is saved, with a Markdown preview;
the timeline below is the record, newest first, and cannot be edited."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from incidents.models import Incident, IncidentUpdate
from statuspage.public.markdown import render as markdown

MESSAGE_CHARS = 400  # Incident.message (the v1 contract's limit)
MARKDOWN_HELP = _(
    "Markdown: *emphasis*, **strong**, `code`, [a link](https://example.com), lists "
    "starting with - or 1. A single line break is kept. Shown on the status page as "
    "the newest update."
)


# The admin registered so far (the incidents app's, or alerts' with "notify
# subscribers"): the cockpit builds on whichever it is.
Registered: Any = type(admin.site.get_model_admin(Incident))


class IncidentForm(Registered.form):  # type: ignore[misc]
    """The registered form (its help texts, its extra fields) with a multi-line
    Markdown message."""

    message = forms.CharField(
        label=_("message"),
        max_length=MESSAGE_CHARS,
        help_text=MARKDOWN_HELP,
        widget=forms.Textarea(
            attrs={"rows": 6, "data-preview-url": reverse_lazy("admin:cockpit_markdown_preview")}
        ),
    )


class TimelineInline(admin.TabularInline):  # type: ignore[type-arg]
    """The updates as they were posted, newest first: history is not edited."""

    model = IncidentUpdate
    fields = ["created_at", "status", "text"]
    readonly_fields = ["created_at", "status", "text"]
    ordering = ["-created_at", "-id"]
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name_plural = _("timeline (newest first)")

    @admin.display(description=_("message"))
    def text(self, update: IncidentUpdate) -> SafeString:
        return markdown(update.message)


class CockpitIncidentAdmin(Registered):  # type: ignore[misc]
    form = IncidentForm
    fields = None  # the fieldsets below
    inlines = [TimelineInline]
    readonly_fields = ["created_at", "resolved_at", "preview"]

    def get_fieldsets(self, request: HttpRequest, obj: Incident | None = None) -> Any:
        update = _("Post an update") if obj else _("First update")
        shown = {"name", "severity", "monitors", "show_on_status_page", "status", "message"}
        shown |= {"created_at", "resolved_at"}
        others = [f for f in Registered.fields or [] if f not in shown]  # e.g. notify_subscribers
        return [
            (None, {"fields": ["name", "severity", "monitors", "show_on_status_page"]}),
            (
                update,
                {
                    "fields": ["status", "message", "preview"],
                    "description": _(
                        "Saving with a new status or message adds it to the timeline, stamped "
                        "with the time of saving; it becomes the incident's state on the page, "
                        "the feeds, the APIs and the badge."
                    ),
                },
            ),
            *([(_("Notifications"), {"fields": others})] if others else []),
            (_("Times"), {"fields": ["created_at", "resolved_at"]}),
        ]

    @admin.display(description=_("preview"))
    def preview(self, incident: Incident) -> SafeString:
        """The saved message as the page shows it; preview.js renders typed text live."""
        return format_html(
            '<div class="markdown-preview" id="markdown-preview">{}</div>',
            markdown(incident.message or ""),
        )

    class Media:
        js = ["cockpit/preview.js"]


admin.site.unregister(Incident)
admin.site.register(Incident, CockpitIncidentAdmin)
