"""The subscribers' admin: subscribers (filters, CSV export and import,
resend confirmation, re-enable), the notices with the delivery log of each,
and "notify subscribers" on incidents and maintenance (default on)."""

from typing import TYPE_CHECKING, Any, TypedDict, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from alerts.models import (
    DeliveryState,
    Notice,
    NoticeChoice,
    NoticeDelivery,
    Subscriber,
    SubscriberKind,
)
from alerts.models.subscriber import new_secret
from alerts.subscribers import csvio
from alerts.subscribers.subscribing import normalise_address, validate_address
from incidents.admin import IncidentAdmin
from incidents.forms import IncidentForm
from incidents.models import Incident
from maintenance.admin import ScheduledMaintenanceAdmin
from maintenance.models import ScheduledMaintenance
from pages.models import StatusPage


class _Chosen(TypedDict):
    monitor_count: int
    category_count: int


class _Counts(TypedDict):
    sent_count: int
    waiting_count: int
    failed_count: int


if TYPE_CHECKING:  # WithAnnotations takes its TypedDict only in the checker
    from django_stubs_ext import WithAnnotations

    WithChosen = WithAnnotations[Subscriber, _Chosen]  # SubscriberAdmin's rows
    WithCounts = WithAnnotations[Notice, _Counts]  # NoticeAdmin's rows


def _queue_mail(subscriber_ids: list[int], what: str) -> None:
    from alerts.tasks import send_subscriber_mail

    def send() -> None:
        for pk in subscriber_ids:
            send_subscriber_mail.delay(pk, what)

    transaction.on_commit(send)


class SubscriberForm(forms.ModelForm[Subscriber]):
    class Meta:
        model = Subscriber
        fields = [
            "page", "kind", "address", "language", "monitors", "categories", "component_updates",
        ]  # fmt: skip
        widgets = {
            "address": forms.TextInput(attrs={"size": 80}),
            "language": forms.Select(choices=settings.LANGUAGES),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "page" in self.fields:
            field = cast(forms.ModelChoiceField[StatusPage], self.fields["page"])
            field.queryset = StatusPage.objects.defer("logo")
            if self.instance.pk is None and not self.initial.get("page"):
                default = StatusPage.objects.filter(is_default=True).first()
                self.initial["page"] = default.pk if default else None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind, address = data.get("kind"), data.get("address")
        if kind and address:
            address = normalise_address(kind, address)
            try:
                validate_address(kind, address)
            except ValidationError as exc:
                self.add_error("address", exc)
            else:
                data["address"] = address
        return data


class ConfirmedFilter(admin.SimpleListFilter):
    title = _("confirmed")
    parameter_name = "confirmed"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Yes")), ("no", _("No")), ("disabled", _("Disabled"))]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Subscriber]
    ) -> QuerySet[Subscriber]:
        if self.value() == "yes":
            return queryset.filter(confirmed_at__isnull=False, disabled_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(confirmed_at__isnull=True)
        if self.value() == "disabled":
            return queryset.filter(disabled_at__isnull=False)
        return queryset


class CsvImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("The export leaves webhooks' signing secrets out: a webhook row without "
                    "a secret gets a new one, shown once after the import, to give to its "
                    "receiver."),
    )  # fmt: skip


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin[Subscriber]):
    form = SubscriberForm
    list_display = [
        "address", "page", "kind", "confirmed", "language", "components", "failures",
        "disabled_reason", "created_at",
    ]  # fmt: skip
    list_filter = [
        ConfirmedFilter, "page", "kind", "language", "component_updates", "monitors",
        "categories",
    ]  # fmt: skip
    list_select_related = ["page"]
    search_fields = ["address"]
    filter_horizontal = ["monitors", "categories"]
    readonly_fields = [
        "confirmed_at", "confirmation_sent_at", "failures", "disabled_at", "disabled_reason",
        "created_at",
    ]  # fmt: skip
    actions = ["resend_confirmation", "export_csv", "enable"]
    list_per_page = 100

    def get_queryset(self, request: HttpRequest) -> QuerySet[Subscriber]:
        return (
            super()
            .get_queryset(request)
            .select_related("page")
            .defer("page__logo")  # the list shows the page's title
            .annotate(
                monitor_count=Count("monitors", distinct=True),
                category_count=Count("categories", distinct=True),
            )
        )

    @admin.display(description=_("confirmed"), boolean=True, ordering="confirmed_at")
    def confirmed(self, subscriber: Subscriber) -> bool:
        return subscriber.confirmed_at is not None

    @admin.display(description=_("hears about"))
    def components(self, subscriber: "WithChosen") -> str:
        if not subscriber.monitor_count and not subscriber.category_count:
            return str(_("everything"))  # on its page
        return _("%(m)d monitor(s), %(c)d categor(y/ies)") % {
            "m": subscriber.monitor_count, "c": subscriber.category_count,
        }  # fmt: skip

    def save_model(self, request: HttpRequest, obj: Subscriber, form: Any, change: bool) -> None:
        adding = obj.pk is None
        if adding and obj.kind == SubscriberKind.WEBHOOK:
            obj.secret, obj.confirmed_at = new_secret(), obj.created_at
        super().save_model(request, obj, form, change)
        if adding and obj.kind == SubscriberKind.WEBHOOK:
            self.message_user(
                request, _("The webhook's signing secret (shown only now): %s") % obj.secret,
                messages.WARNING,
            )  # fmt: skip
        elif adding:
            _queue_mail([obj.pk], "confirm")

    @admin.action(description=_("Resend the confirmation email"))
    def resend_confirmation(self, request: HttpRequest, queryset: QuerySet[Subscriber]) -> None:
        waiting = list(
            queryset.filter(kind=SubscriberKind.EMAIL, confirmed_at__isnull=True).values_list(
                "pk", flat=True
            )
        )
        _queue_mail(waiting, "confirm")
        self.message_user(
            request, ngettext("Sending %d confirmation.", "Sending %d confirmations.",
                              len(waiting)) % len(waiting),
            messages.SUCCESS,
        )  # fmt: skip

    @admin.action(description=_("Export as CSV"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Subscriber]) -> HttpResponse:
        rows = (
            queryset.select_related("page")
            .defer("page__logo")
            .prefetch_related("monitors", "categories")
            .order_by("pk")
        )
        response = HttpResponse(csvio.export(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="subscribers.csv"'
        return response

    @admin.action(description=_("Enable again (after fixing the webhook)"))
    def enable(self, request: HttpRequest, queryset: QuerySet[Subscriber]) -> None:
        count = queryset.filter(disabled_at__isnull=False).update(
            disabled_at=None, disabled_reason="", failures=0
        )
        self.message_user(request, _("Enabled: %d.") % count, messages.SUCCESS)

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="alerts_subscriber_import",
            )
        ]
        return own + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = CsvImportForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            try:
                text = form.cleaned_data["file"].read().decode("utf-8-sig")
            except UnicodeDecodeError:
                errors = [str(_("The file is not UTF-8 text."))]
            else:
                result = csvio.import_csv(text)
                errors = result.errors
                if not errors:
                    unconfirmed = [
                        s.pk for s in result.created
                        if s.kind == SubscriberKind.EMAIL and s.confirmed_at is None
                    ]  # fmt: skip
                    _queue_mail(unconfirmed, "confirm")
                    self.message_user(
                        request,
                        _("Imported %(n)d, skipped %(s)d already subscribed; confirmation "
                          "sent to %(u)d.") % {"n": len(result.created), "s": result.skipped,
                                               "u": len(unconfirmed)},
                        messages.SUCCESS,
                    )  # fmt: skip
                    self._show_new_secrets(request, result.new_secrets)
                    return redirect("admin:alerts_subscriber_changelist")
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
            "errors": errors, "title": _("Import subscribers"), "columns": csvio.COLUMNS,
        }  # fmt: skip
        status = 400 if errors or form.errors else 200
        return render(request, "admin/alerts/subscriber/import.html", context, status=status)

    def _show_new_secrets(self, request: HttpRequest, hooks: list[Subscriber]) -> None:
        """The secrets an import made, once (as a new webhook's is on saving):
        the receivers need them to check the signatures."""
        if hooks:
            listing = "; ".join(f"{hook.address} {hook.secret}" for hook in hooks)
            self.message_user(
                request,
                _("New signing secrets (shown only now), URL then secret: %s") % listing,
                messages.WARNING,
            )


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin[Notice]):
    """What subscribers were told, with each notice's delivery log."""

    list_display = ["__str__", "about", "state", "sent", "waiting", "failed", "log"]
    list_filter = ["kind", "state"]
    list_select_related = ["incident", "maintenance"]
    date_hierarchy = "at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Notice]:
        def count(state: str) -> Count:
            return Count("deliveries", filter=Q(deliveries__state=state))

        return (
            super()
            .get_queryset(request)
            .annotate(
                sent_count=count(DeliveryState.SENT),
                failed_count=count(DeliveryState.FAILED),
                waiting_count=Count(
                    "deliveries",
                    filter=Q(deliveries__state__in=[DeliveryState.PENDING, DeliveryState.SENDING]),
                ),
            )
        )

    @admin.display(description=_("about"))
    def about(self, notice: Notice) -> str:
        return str(notice.incident or notice.maintenance or "")

    @admin.display(description=_("sent"))
    def sent(self, notice: "WithCounts") -> int:
        return notice.sent_count

    @admin.display(description=_("waiting"))
    def waiting(self, notice: "WithCounts") -> int:
        return notice.waiting_count

    @admin.display(description=_("gave up"))
    def failed(self, notice: "WithCounts") -> int:
        return notice.failed_count

    @admin.display(description=_("delivery log"))
    def log(self, notice: Notice) -> str:
        url = reverse("admin:alerts_noticedelivery_changelist") + f"?notice__id__exact={notice.pk}"
        return format_html('<a href="{}">{}</a>', url, _("deliveries"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Notice | None = None) -> bool:
        return False


@admin.register(NoticeDelivery)
class NoticeDeliveryAdmin(admin.ModelAdmin[NoticeDelivery]):
    """Every delivery of every notice: read only."""

    list_display = ["notice", "subscriber", "state", "attempts", "sent_at", "last_error"]
    list_filter = ["state", "subscriber__kind", "notice__kind"]
    list_select_related = ["notice", "subscriber"]
    search_fields = ["subscriber__address", "last_error"]
    list_per_page = 100

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class NotifyForm(forms.ModelForm[Any]):
    """The incident's or maintenance's own form plus "notify subscribers"
    (kept in NoticeChoice: the incidents and maintenance apps know nothing
    of subscribers)."""

    notify_subscribers = forms.BooleanField(
        label=_("notify subscribers"), required=False, initial=True,
        help_text=_("Email and webhook subscribers hear about it (and its updates)."),
    )  # fmt: skip
    choice_field = ""  # "incident" or "maintenance": NoticeChoice's link

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            quiet = NoticeChoice.objects.filter(**{self.choice_field: self.instance}, notify=False)
            self.fields["notify_subscribers"].initial = not quiet.exists()


class IncidentNotifyForm(NotifyForm):
    choice_field = "incident"

    class Meta(IncidentForm.Meta):  # the staff's help texts (incidents/forms.py)
        model = Incident
        fields: list[str] = []  # the admin names them


class MaintenanceNotifyForm(NotifyForm):
    choice_field = "maintenance"

    class Meta:
        model = ScheduledMaintenance
        fields: list[str] = []  # the admin names them


class NotifyChoiceMixin:
    """Saves "notify subscribers" with the row, in the same transaction, so
    the notice's fan-out (after the commit) reads the choice."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        NoticeChoice.objects.update_or_create(
            **{form.choice_field: obj},
            defaults={"notify": form.cleaned_data.get("notify_subscribers", True)},
        )


class IncidentWithSubscribersAdmin(NotifyChoiceMixin, IncidentAdmin):
    form = IncidentNotifyForm
    fields = [*IncidentAdmin.fields, "notify_subscribers"]


class MaintenanceWithSubscribersAdmin(NotifyChoiceMixin, ScheduledMaintenanceAdmin):
    form = MaintenanceNotifyForm
    fieldsets = [
        *ScheduledMaintenanceAdmin.fieldsets,
        (_("Subscribers"), {"fields": ["notify_subscribers"]}),
    ]


admin.site.unregister(Incident)
admin.site.register(Incident, IncidentWithSubscribersAdmin)
admin.site.unregister(ScheduledMaintenance)
admin.site.register(ScheduledMaintenance, MaintenanceWithSubscribersAdmin)
