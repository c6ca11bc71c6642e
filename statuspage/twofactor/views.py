from base64 import b32encode
from typing import cast

import segno
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
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
    with the app's current code, get recovery codes (shown this once)."""
    user = cast(AbstractBaseUser, request.user)  # staff_member_required
    if request.method == "POST" and "new_recovery_codes" in request.POST:
        if not devices.has_second_factor(user):
            return _page(request, "setup.html", form=ConfirmCodeForm())
        return _page(request, "recovery_codes.html", codes=devices.new_recovery_codes(user))
    if devices.has_second_factor(user) and "again" not in request.GET:
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
