"""The absolute links in what subscribers receive, each at the subscriber's
own page: at the page's domain when it has one (in SITE_URL's scheme), else
under SITE_URL at the page's prefix (``/p/<slug>``; nothing for the default
page). SITE_URL is the install's public address (a worker has no request to
take it from)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.urls import get_script_prefix, reverse

from pages.models import StatusPage

CONFIRM_SALT = "alerts.subscribers.confirm"


def base(page: StatusPage) -> str:
    """The page's address, without the trailing slash."""
    site: str = settings.SITE_URL
    if page.domain:
        return f"{urlsplit(site).scheme or 'https'}://{page.domain}"
    return site.rstrip("/") + page.prefix


def path(name: str, *args: str | int) -> str:
    """The view's path from the root of a page. Inside a page's request
    reverse() starts at that page's prefix (the script prefix on_page sets),
    which is not the subscriber's page: it is taken off."""
    return "/" + reverse(name, args=args).removeprefix(get_script_prefix())


def page_url(page: StatusPage, at: str = "/") -> str:
    """``at`` (a path from the page's root) on the page's address."""
    return base(page) + at


def confirm_url(token: str, page: StatusPage) -> str:
    """A link that confirms the subscription until SUBSCRIBER_CONFIRM_HOURS pass."""
    signed = signing.TimestampSigner(salt=CONFIRM_SALT).sign(token)
    return page_url(page, path("subscription-confirm", signed))


def token_of_confirmation(signed: str) -> str | None:
    """The token a confirmation link carries; None when forged or expired."""
    try:
        return signing.TimestampSigner(salt=CONFIRM_SALT).unsign(
            signed, max_age=settings.SUBSCRIBER_CONFIRM_HOURS * 3600
        )
    except signing.BadSignature:  # SignatureExpired is one
        return None


def manage_url(token: str, page: StatusPage) -> str:
    return page_url(page, path("subscription", token))


def unsubscribe_url(token: str, page: StatusPage) -> str:
    """The one-click unsubscribe link (GET shows a button, POST unsubscribes)."""
    return page_url(page, path("subscription-unsubscribe", token))
