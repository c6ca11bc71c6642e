"""Rate limits in front of every API dialect (its views are tagged with it:
statuspage/api/dialect.py): per client address, per key, and for failed key
attempts. The key is resolved here once and handed to the views
(``request.api_key``) so authentication costs one query per request."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from statuspage.api.clientaddr import client_address
from statuspage.api.dialect import Dialect, DialectMiddleware
from statuspage.api.keyauth import authenticate_key
from statuspage.api.ratelimit import Rate, exceeded, hit


def too_many(dialect: Dialect, retry_after: int) -> HttpResponse:
    response = JsonResponse(
        dialect.error_body(dialect.throttled(retry_after)), status=429,
        json_dumps_params={"ensure_ascii": False},
        content_type="application/json; charset=utf-8",
    )  # fmt: skip
    response["Retry-After"] = str(retry_after)
    return response


class ApiGuardMiddleware(DialectMiddleware):
    def answer(self, request: HttpRequest, dialect: Dialect) -> HttpResponse | None:
        wait = self.check(request, dialect)
        return too_many(dialect, wait) if wait else None

    def check(self, request: HttpRequest, dialect: Dialect) -> int | None:
        address = client_address(request)
        raw = dialect.raw_key(request)
        key = authenticate_key(raw) if raw else None
        # An attribute of our own on the request, which HttpRequest does not declare.
        request.api_key = key  # type: ignore[attr-defined]
        if wait := hit(
            f"{dialect.name}:addr", address, Rate.parse(settings.RATE_LIMIT_PER_ADDRESS)
        ):
            return wait
        if key is not None:
            # A valid key keeps working while its address is locked out.
            return hit(f"{dialect.name}:key", str(key.pk), Rate.parse(settings.RATE_LIMIT_PER_KEY))
        # A missing key counts as a failed one: a guesser learns as much from
        # the 401 of a request without one.
        failures = Rate.parse(settings.RATE_LIMIT_FAILED_KEYS)
        if wait := exceeded("failed-key", address, failures):
            return wait
        hit("failed-key", address, failures)
        return None
