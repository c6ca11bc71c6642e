"""Which page a request is for: the one named in the path (``/p/<slug>/``),
else the one whose domain is the request's host, else the default page.

Resolutions are kept in the shared cache under every page's generation (a
page's settings or layout changing bumps it), so a page hit costs no query
for them, and a cached page still resolves while the database is down."""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.http.request import split_domain_port

from core import pagecache
from pages.models import StatusPage
from pages.scope import Layout, layout_of

SECONDS = 300
LAST_KEPT = 1000  # made-up Host headers must not grow it without bound
_last: dict[tuple[str | None, str], "OnPage"] = {}


@dataclass(frozen=True)
class OnPage:
    """A page and its layout; ``on_host``: the request's host is its domain,
    so its URLs start at / (else at its prefix)."""

    page: StatusPage
    layout: Layout
    on_host: bool

    @property
    def id(self) -> int:
        return self.page.pk or 0

    @property
    def cache_id(self) -> str:
        """What its cached renders are keyed by: the page, and where its links point."""
        return f"{self.id}{self.root}"

    @property
    def root(self) -> str:
        """The path the page's own URLs start with, without the trailing slash."""
        return "" if self.on_host or self.page.is_default else self.page.prefix


def fallback_page() -> StatusPage:
    """The default page when none is stored (every row deleted by hand)."""
    return StatusPage(
        title=settings.SITE_NAME, slug="status", is_default=True, shows_everything=True
    )


def _load(slug: str | None, host: str) -> tuple[StatusPage, bool] | None:
    pages = StatusPage.objects.defer("logo")  # read by the logo's own view
    if slug is not None:
        page = pages.filter(slug=slug).first()
        return None if page is None else (page, page.domain == host)
    # One query: the host's page, if any, comes before the default page.
    candidates = pages.filter(Q(domain=host) | Q(is_default=True) if host else Q(is_default=True))
    found = sorted(candidates, key=lambda page: page.domain != host)
    if not found:
        return fallback_page(), False
    return found[0], found[0].domain == host


def _host(request: HttpRequest) -> str:
    return split_domain_port(request.get_host())[0]


def resolve(request: HttpRequest, slug: str | None = None) -> OnPage:
    """The page the request is for; 404 for a slug no page has."""
    host = _host(request)
    key = f"pages:resolved:{pagecache.page_generation.current()}:{slug or ''}@{host}"
    found: OnPage | None = cache.get(key)
    if found is None:
        try:
            loaded = _load(slug, host)
        except (OperationalError, InterfaceError):
            # The database is down: the last resolution this process made
            # lets the page's last good copy be served (statuspage/lastgood.py).
            if (slug, host) in _last:
                return _last[slug, host]
            raise
        if loaded is None:
            raise Http404("No such status page")
        page, on_host = loaded
        found = OnPage(page, layout_of(page), on_host)
        cache.set(key, found, SECONDS)
    if (slug, host) in _last or len(_last) < LAST_KEPT:
        _last[slug, host] = found
    return found
