"""A page's logo, as stored: a PNG re-encoded by pages/logo.py, at an
address named by its digest (a new logo is a new address, so the old one
may be kept for a year). Served as an image that can do nothing else: no
sniffing, and a policy that would sandbox it if opened as a document."""

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from pages.models import StatusPage
from statuspage.public.onpage import on_page, page_of

YEAR = 365 * 24 * 60 * 60
DAY = 24 * 60 * 60


def _stored(page: StatusPage) -> bytes | None:
    """The logo's bytes: resolved pages leave them out (they are cached with
    every resolution), so they are read here, and kept by digest for a day
    (which also serves them while the database is down)."""
    key = f"pages:logo:{page.pk}:{page.logo_digest}"
    found: bytes | None = cache.get(key)
    if found is None:
        row = StatusPage.objects.filter(pk=page.pk, logo_digest=page.logo_digest)
        found = bytes(logo) if (logo := row.values_list("logo", flat=True).first()) else None
        if found:
            cache.set(key, found, DAY)
    return found


@require_safe
@on_page
def logo_view(request: HttpRequest, digest: str) -> HttpResponse:
    page = page_of(request).page
    logo = _stored(page) if page.logo_digest and digest == page.logo_digest else None
    if logo is None:
        raise Http404("No such logo")
    response = HttpResponse(logo, content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    scope = "private" if page.is_private else "public"
    response["Cache-Control"] = f"{scope}, max-age={YEAR}, immutable"
    return response
