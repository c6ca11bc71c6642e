"""Who may read a private page: staff signed in to the admin, or, for a
page with a password, whoever gave it in this browser session. The session
remembers a digest of the page's password hash, so changing the password
locks every earlier visitor out."""

import hashlib
import hmac

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pages.models import Access, StatusPage
from pages.resolve import OnPage

SESSION_KEY = "unlocked-pages"
UNLOCK_URL_NAME = "page-unlock"


def _digest(page: StatusPage) -> str:
    return hashlib.sha256(page.password_hash.encode()).hexdigest()[:16]


def unlocked(request: HttpRequest, page: StatusPage) -> bool:
    if request.user.is_authenticated and request.user.is_staff:
        return True
    if page.access != Access.PASSWORD or not page.password_hash:
        return False
    given = request.session.get(SESSION_KEY, {}).get(str(page.pk))
    return isinstance(given, str) and hmac.compare_digest(given, _digest(page))


def unlock(request: HttpRequest, page: StatusPage) -> None:
    request.session.cycle_key()  # a fresh session id for the new right
    unlocked_pages = dict(request.session.get(SESSION_KEY, {}))
    unlocked_pages[str(page.pk)] = _digest(page)
    request.session[SESSION_KEY] = unlocked_pages


def _wants_html(request: HttpRequest) -> bool:
    path = request.path
    return not (path.endswith((".json", ".svg", ".atom", ".rss", ".png")) or "/api/" in path)


def _unlocking(request: HttpRequest) -> bool:
    """The request is for the password form itself (statuspage/page/unlock.py)."""
    match = request.resolver_match
    return match is not None and match.url_name == UNLOCK_URL_NAME


def unlock_form(
    request: HttpRequest, on: OnPage, next_url: str, status: int = 401, error: str = ""
) -> TemplateResponse:
    """The password form, on the page's look (rendered by on_page)."""
    return TemplateResponse(
        request, "statuspage/unlock.html",
        {"on": on, "next": next_url, "error": error, "title": _("Password"), "locked": True},
        status=status,
    )  # fmt: skip


def refused(request: HttpRequest, on: OnPage) -> HttpResponse | None:
    """None if the visitor may read the page; else what to answer instead
    (a TemplateResponse is rendered by on_page, at the page's addresses)."""
    page = on.page
    if not page.is_private or unlocked(request, page):
        return None
    if page.access == Access.PASSWORD and _unlocking(request):
        return None  # the form to give the password
    if not _wants_html(request):
        return JsonResponse({"error": "This status page is private."}, status=401)
    if page.access == Access.STAFF:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    return unlock_form(request, on, request.get_full_path())  # on_page renders it
