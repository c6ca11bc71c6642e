"""The password form of a page read with a password: the right password
unlocks the page in this browser session (statuspage/public/access.py),
then the visitor goes back where they were headed. Guesses are limited per
client address and page, and per page (from any address), as subscribing is."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pages.models import Access
from pages.resolve import OnPage
from statuspage.api import ratelimit
from statuspage.api.clientaddr import client_address
from statuspage.public import access
from statuspage.public.onpage import on_page, page_of


def _rate(name: str) -> ratelimit.Rate:
    return ratelimit.Rate.parse(getattr(settings, name))


def _next(request: HttpRequest, on: OnPage) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if wanted and safe else f"{on.root}/"


def _wait(request: HttpRequest, on: OnPage) -> int | None:
    address = client_address(request)
    wait = ratelimit.hit(
        "unlock:client", f"{on.id}:{address}", _rate("PAGE_UNLOCK_RATE_PER_ADDRESS")
    )
    if wait is None:
        wait = ratelimit.hit("unlock:page", str(on.id), _rate("PAGE_UNLOCK_RATE_PER_PAGE"))
    return wait


@require_http_methods(["GET", "HEAD", "POST"])
@on_page
def unlock_view(request: HttpRequest) -> HttpResponse:
    on = page_of(request)
    page = on.page
    next_url = _next(request, on)
    if page.access != Access.PASSWORD or access.unlocked(request, page):
        return HttpResponseRedirect(next_url)  # nothing to unlock (or unlocked already)
    if request.method != "POST":
        return access.unlock_form(request, on, next_url, status=200)
    wait = _wait(request, on)
    if wait is not None:
        response = access.unlock_form(
            request, on, next_url, status=429,
            error=_("Too many attempts. Please try again later."),
        )  # fmt: skip
        response["Retry-After"] = str(wait)
        return response
    if not page.check_password(request.POST.get("password", "")):
        return access.unlock_form(
            request, on, next_url, status=401, error=_("That is not the password of this page.")
        )
    access.unlock(request, page)
    return HttpResponseRedirect(next_url)
