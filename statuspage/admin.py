from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from statuspage.models import ApiKey
from statuspage.twofactor.forms import TwoFactorLoginForm

admin.site.site_header = _("Status page administration")
admin.site.site_title = _("Status page")
# The login asks for a second factor's code when the staff member has one.
admin.site.login_form = TwoFactorLoginForm
admin.site.login_template = "admin/two_factor/login.html"


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin[ApiKey]):
    list_display = ["name", "prefix", "read_only", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["read_only", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> tuple[str, ...]:
        if obj is None:
            return ("name", "read_only")
        return ("name", "read_only", *self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if not change:
            # Kept on the request only: the raw key is shown once, never stored
            # (an attribute of our own, which HttpRequest does not declare).
            request._raw_api_key = obj.assign_new_secret()  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def response_add(
        self, request: HttpRequest, obj: ApiKey, post_url_continue: Any = None
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "key": obj,
            "raw_key": request._raw_api_key,  # type: ignore[attr-defined]  # set by save_model
            "title": _("Your new API key"),
        }
        return TemplateResponse(request, "admin/statuspage/apikey/created.html", context)

    @admin.action(description=_("Revoke selected keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(
            request,
            ngettext("Revoked %d key.", "Revoked %d keys.", count) % count,
            messages.SUCCESS,
        )
