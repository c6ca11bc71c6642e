from collections.abc import Callable
from typing import cast

from django.contrib.auth import logout
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from statuspage.twofactor import devices
from statuspage.twofactor.forms import required
from statuspage.twofactor.session import had_no_factor_at_login


class StaffTwoFactorMiddleware:
    """Keeps the admin closed to a staff session without its second factor.

    A staff member with an app set up who is not verified in this session (a
    session from before, or a login that skipped the form) logs in again. With
    ADMIN_REQUIRE_2FA, one without an app is sent to set it up; nothing else
    in the admin opens until they have. Only the admin is guarded: the APIs
    authenticate by key, the public page by nothing.

    Setting up is trust on first use: until a staff member has an app, their
    password is all there is to ask for, so whoever first logs in with it
    sets up the app, and from then on holds the account. That is how
    enrolment works: give each staff member a password only they know and
    have them set up the app at their first login (one locked out by an app
    they did not set up asks a superuser to delete its TOTP device). Once an
    app is set up, moving it or making new recovery codes takes a session
    verified with it (views.py).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_staff
            and request.path.startswith(reverse("admin:index"))
            and not user.is_verified()
        ):
            response = self._guard(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _guard(self, request: HttpRequest) -> HttpResponse | None:
        if not had_no_factor_at_login(request) and devices.has_second_factor(
            cast(AbstractBaseUser, request.user)
        ):
            logout(request)
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not required():
            return None
        setup = reverse("two_factor_setup")
        if request.path in (setup, reverse("admin:logout")):
            return None
        return redirect(setup)
