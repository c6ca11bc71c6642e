"""Rate limits in front of every API dialect (its views are tagged with it:
statuspage/api/dialect.py): per client address, per key, and for failed key
attempts. The key is resolved here once and handed to the views
(``request.api_key``) so authentication costs one query per request.

Each limit is decided by the count its own increment returns (ratelimit.py):
a burst of concurrent requests gets exactly the limit through, never the
limit plus however many were in flight. An oversized body is counted against
the address limit by the body limit instead, before it reads any of it
(bodylimit.py), and answered there, so it never reaches this guard.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from statuspage.api.clientaddr import client_address
from statuspage.api.dialect import Dialect, DialectMiddleware, too_many
from statuspage.api.keyauth import authenticate_key
from statuspage.api.ratelimit import Rate, address_hit, hit


class ApiGuardMiddleware(DialectMiddleware):
    def answer(self, request: HttpRequest, dialect: Dialect) -> HttpResponse | None:
        wait = self.check(request, dialect)
        return too_many(dialect, wait) if wait else None

    def check(self, request: HttpRequest, dialect: Dialect) -> int | None:
        raw = dialect.raw_key(request)
        key = authenticate_key(raw) if raw else None
        # An attribute of our own on the request, which HttpRequest does not declare.
        request.api_key = key  # type: ignore[attr-defined]
        if wait := address_hit(request, dialect.name):
            return wait
        if key is not None:
            # A valid key keeps working while its address is locked out.
            return hit(f"{dialect.name}:key", str(key.pk), Rate.parse(settings.RATE_LIMIT_PER_KEY))
        # A missing key counts as a failed one: a guesser learns as much from
        # the 401 of a request without one. Once over the limit, each further
        # attempt counts too (harmless: the window ends all the same).
        failures = Rate.parse(settings.RATE_LIMIT_FAILED_KEYS)
        return hit("failed-key", client_address(request), failures)
