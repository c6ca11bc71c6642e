"""Rate limits in front of both APIs: per client address, per key, and for
failed key attempts. The key is resolved here once and handed to the views
(``request.api_key``) so authentication costs one query per request."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from statuspage.keyauth import authenticate_key
from statuspage.ratelimit import Rate, exceeded, hit

V1, BITUP = "v1", "bitup"


def api_dialect(path: str) -> str | None:
    if path.startswith("/v1/") and not path.startswith(("/v1/schema", "/v1/docs")):
        return V1
    if path == "/api.php":
        return BITUP
    return None


def client_address(request: HttpRequest) -> str:
    """The client's address; behind N trusted proxies, the N-th address from
    the right of X-Forwarded-For (the rest can be forged by the client)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if proxies and len(hops) >= proxies:
        return hops[-proxies][:64]
    return request.META.get("REMOTE_ADDR", "unknown")


def raw_key(request: HttpRequest, dialect: str) -> str | None:
    if dialect == V1:
        return request.META.get("HTTP_X_API_KEY")
    return request.GET.get("key")


def too_many(dialect: str, retry_after: int) -> HttpResponse:
    if dialect == BITUP:
        body = {
            "status": "error",
            "message": f"Too many requests. Try again in {retry_after} seconds.",
        }
    else:
        body = {"detail": f"Request was throttled. Expected available in {retry_after} seconds."}
    response = JsonResponse(
        body, status=429, json_dumps_params={"ensure_ascii": False},
        content_type="application/json; charset=utf-8",
    )  # fmt: skip
    response["Retry-After"] = str(retry_after)
    return response


class ApiGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        dialect = api_dialect(request.path)
        if dialect is None:
            return self.get_response(request)
        wait = self.check(request, dialect)
        return too_many(dialect, wait) if wait else self.get_response(request)

    def check(self, request: HttpRequest, dialect: str) -> int | None:
        address = client_address(request)
        raw = raw_key(request, dialect)
        key = authenticate_key(raw) if raw else None
        request.api_key = key
        if wait := hit(f"{dialect}:addr", address, Rate.parse(settings.RATE_LIMIT_PER_ADDRESS)):
            return wait
        if key is not None:
            # A valid key keeps working while its address is locked out.
            return hit(f"{dialect}:key", str(key.pk), Rate.parse(settings.RATE_LIMIT_PER_KEY))
        failures = Rate.parse(settings.RATE_LIMIT_FAILED_KEYS)
        if wait := exceeded("failed-key", address, failures):
            return wait
        if raw:
            hit("failed-key", address, failures)
        return None
