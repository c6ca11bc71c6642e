from typing import TYPE_CHECKING, TypedDict

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from alerts.delivery import send_and_log
from alerts.messages import test_message
from alerts.models import Attempt, AutoIncidentRule, NotificationChannel


class _Audience(TypedDict):
    monitor_count: int
    category_count: int


if TYPE_CHECKING:  # WithAnnotations takes its TypedDict only in the checker
    from django_stubs_ext import WithAnnotations

    WithAudience = WithAnnotations[NotificationChannel, _Audience]  # get_queryset's rows


class ChannelForm(forms.ModelForm[NotificationChannel]):
    class Meta:
        model = NotificationChannel
        fields = ["name", "kind", "target", "secret", "monitors", "categories", "is_active"]
        widgets = {
            "target": forms.TextInput(attrs={"size": 80}),
            # Kept on re-edit, but not shown to whoever looks over a shoulder.
            "secret": forms.PasswordInput(render_value=True),
        }


@admin.register(NotificationChannel)
class NotificationChannelAdmin(admin.ModelAdmin[NotificationChannel]):
    form = ChannelForm
    list_display = ["name", "kind", "target", "audience", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "target"]
    filter_horizontal = ["monitors", "categories"]
    actions = ["send_test_notification"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[NotificationChannel]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                monitor_count=Count("monitors", distinct=True),
                category_count=Count("categories", distinct=True),
            )
        )

    @admin.display(description=_("hears about"))
    def audience(self, channel: "WithAudience") -> str:
        if not channel.monitor_count and not channel.category_count:
            return str(_("every monitor"))
        monitors = ngettext("%d monitor", "%d monitors", channel.monitor_count)
        categories = ngettext("%d category", "%d categories", channel.category_count)
        return f"{monitors % channel.monitor_count}, {categories % channel.category_count}"

    @admin.action(description=_("Send a test notification"))
    def send_test_notification(
        self, request: HttpRequest, queryset: QuerySet[NotificationChannel]
    ) -> None:
        # Sent right away (every sender has a timeout) so staff see the outcome.
        message = test_message(settings.SITE_NAME, timezone.now())
        for channel in queryset:
            error = send_and_log(channel, message)
            if error is None:
                self.message_user(request, _("%s: sent.") % channel, messages.SUCCESS)
            else:
                self.message_user(request, _("%(c)s: %(e)s") % {"c": channel, "e": error},
                                  messages.ERROR)  # fmt: skip


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin[Attempt]):
    """The log of every try at sending: read only."""

    list_display = ["at", "channel", "monitor", "event", "ok", "error", "duration_ms"]
    list_filter = ["ok", "event", "channel__kind", "channel", "at"]
    list_select_related = ["channel", "monitor"]
    search_fields = ["error", "monitor__name", "channel__name"]
    date_hierarchy = "at"
    list_per_page = 100

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Attempt | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Attempt | None = None) -> bool:
        return False


@admin.register(AutoIncidentRule)
class AutoIncidentRuleAdmin(admin.ModelAdmin[AutoIncidentRule]):
    list_display = ["__str__", "monitor", "category", "severity", "show_on_status_page"]
    list_select_related = ["monitor", "category"]
    list_filter = ["severity"]
    autocomplete_fields = ["monitor", "category"]


from alerts.subscribers import admin as subscribers_admin  # noqa: E402,F401  (registers its models)
