"""Remembers in the session whether the staff member had a second factor
when they logged in, so the admin's guard (middleware.py) costs no query on
each page for staff without one (most, while ADMIN_REQUIRE_2FA is off).

One who sets up an app later is verified in that session at once; another
session of theirs from before keeps its standing in the admin until it ends,
as any session does (it was opened with the password that was required
then), but not on the two-factor page: moving the app or making new recovery
codes takes a session verified with it (views.py logs that one out and asks
for the code at the login).
"""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest

from statuspage.twofactor import devices

NO_FACTOR_AT_LOGIN = "twofactor_none_at_login"


def _remember(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and getattr(user, "is_staff", False):
        request.session[NO_FACTOR_AT_LOGIN] = not devices.has_second_factor(user)


def connect() -> None:
    user_logged_in.connect(_remember, dispatch_uid="twofactor-remember")


def had_no_factor_at_login(request: HttpRequest) -> bool:
    return bool(request.session.get(NO_FACTOR_AT_LOGIN))
