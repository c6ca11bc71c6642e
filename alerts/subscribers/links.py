"""The absolute links in what subscribers receive. SITE_URL is the page's
public address (a worker has no request to take it from)."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

CONFIRM_SALT = "alerts.subscribers.confirm"


def absolute(path: str) -> str:
    base: str = settings.SITE_URL
    return base.rstrip("/") + path


def confirm_url(token: str) -> str:
    """A link that confirms the subscription until SUBSCRIBER_CONFIRM_HOURS pass."""
    signed = signing.TimestampSigner(salt=CONFIRM_SALT).sign(token)
    return absolute(reverse("subscription-confirm", args=[signed]))


def token_of_confirmation(signed: str) -> str | None:
    """The token a confirmation link carries; None when forged or expired."""
    try:
        return signing.TimestampSigner(salt=CONFIRM_SALT).unsign(
            signed, max_age=settings.SUBSCRIBER_CONFIRM_HOURS * 3600
        )
    except signing.BadSignature:  # SignatureExpired is one
        return None


def manage_url(token: str) -> str:
    return absolute(reverse("subscription", args=[token]))


def unsubscribe_url(token: str) -> str:
    """The one-click unsubscribe link (GET shows a button, POST unsubscribes)."""
    return absolute(reverse("subscription-unsubscribe", args=[token]))


def page_url(path: str = "/") -> str:
    return absolute(path)
