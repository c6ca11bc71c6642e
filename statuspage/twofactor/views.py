from base64 import b32encode
from typing import cast

import segno
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import logout
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from statuspage.twofactor import devices
from statuspage.twofactor.forms import ConfirmCodeForm


def _key_in_groups(device: TOTPDevice) -> str:
    """The secret as an app asks for it when typed (base32, in fours)."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _verified(request: HttpRequest) -> bool:
    """Logged in with a second factor this session (django-otp's OTPMiddleware)."""
    return bool(getattr(request.user, "is_verified", lambda: False)())


def _page(request: HttpRequest, template: str, **context: object) -> TemplateResponse:
    return TemplateResponse(
        request,
        f"admin/two_factor/{template}",
        {**admin.site.each_context(request), "title": _("Two-factor login"), **context},
    )


@never_cache
@staff_member_required
def setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the code (or type the key), confirm
    with the app's current code, get recovery codes (shown this once).

    Once the app is set up, this page moves it or makes new recovery codes
    only for a session verified with it: one opened with the password alone
    (before the app was set up) logs in again with the code first."""
    user = cast(AbstractBaseUser, request.user)  # staff_member_required
    has_app = devices.has_second_factor(user)
    if has_app and not _verified(request):
        # The admin's login asks for the code (and django-axes counts the
        # tries); it opens nothing for a user who is still logged in.
        logout(request)
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if request.method == "POST" and "new_recovery_codes" in request.POST:
        if not has_app:
            return _page(request, "setup.html", form=ConfirmCodeForm())
        return _page(request, "recovery_codes.html", codes=devices.new_recovery_codes(user))
    if has_app and "again" not in request.GET:
        return _page(request, "enabled.html")
    device = devices.unconfirmed_app_device(user)
    form = ConfirmCodeForm(request.POST or None)
    if form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            codes = devices.confirm_app_device(device)
            otp_login(request, device)  # this session counts as verified
            return _page(request, "recovery_codes.html", codes=codes)
        form.add_error("code", _("That code is not right. Try the app's current one."))
    qr = segno.make(device.config_url, error="m")
    return _page(
        request, "setup.html", form=form, key=_key_in_groups(device),
        qr_svg=qr.svg_inline(scale=4, dark="#000", light="#fff"),
    )  # fmt: skip
