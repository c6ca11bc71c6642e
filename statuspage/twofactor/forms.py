from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _

from statuspage.twofactor import devices

CODE_HELP = _("The six-digit code from your authenticator app, or one of your recovery codes.")


class TwoFactorLoginForm(AdminAuthenticationForm):
    """The admin login: user name and password, then the code for a staff
    member who has set up an authenticator app."""

    otp_token = forms.CharField(
        label=_("Authentication code"), required=False, max_length=32, help_text=CODE_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean()  # the password (and django-axes) first
        user = self.get_user()
        if user is None or not devices.has_second_factor(user):
            return data  # ADMIN_REQUIRE_2FA sends them to set one up (middleware.py)
        code = data.get("otp_token") or ""
        if not code.strip():
            raise forms.ValidationError(
                _("Enter the code from your authenticator app."), code="token_required"
            )
        device = devices.verify(user, code)
        if device is None:
            raise forms.ValidationError(
                _("That code is not right, or has been used. Try the current one."),
                code="invalid_token",
            )
        # django-otp stores it in the session when Django logs the user in.
        user.otp_device = device  # type: ignore[attr-defined]
        return data


class ConfirmCodeForm(forms.Form):
    """Proves the app was set up: its current code."""

    code = forms.CharField(
        label=_("Code from the app"), max_length=6, min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )  # fmt: skip


def required() -> bool:
    return bool(getattr(settings, "ADMIN_REQUIRE_2FA", False))
