"""Key authentication for both APIs: one lookup, used by api.php and v1."""

from typing import cast

from django.http import HttpRequest
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

from statuspage.models import KEY_PREFIX_LENGTH, ApiKey

MAX_KEY_LENGTH = 200


def authenticate_key(raw: str | None) -> ApiKey | None:
    """The usable key whose secret is ``raw``, or None. Records its use."""
    # PostgreSQL refuses NUL in text; no key of ours contains one anyway.
    if not raw or len(raw) > MAX_KEY_LENGTH or "\x00" in raw:
        return None
    candidates = ApiKey.objects.usable().filter(prefix=raw[:KEY_PREFIX_LENGTH])
    # Compare every candidate in constant time rather than looking the hash up
    # directly, so timing tells nothing about how close a guess was.
    for key in candidates:
        if key.matches(raw):
            key.touch()
            return key
    return None


_UNRESOLVED = object()


def resolved_key(request: HttpRequest | Request, raw: str | None) -> ApiKey | None:
    """The key statuspage.api.guard already looked up for this request (for
    its rate limits), else a lookup of ``raw``: one query per request."""
    key = getattr(request, "api_key", _UNRESOLVED)
    # What the guard set: a key or None.
    return authenticate_key(raw) if key is _UNRESOLVED else cast("ApiKey | None", key)


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """DRF authentication from the ``X-API-Key`` header (the v1 contract)."""

    header = "HTTP_X_API_KEY"

    def authenticate(self, request: Request) -> tuple[None, ApiKey] | None:
        raw = request.META.get(self.header)
        if raw is None:
            return None
        key = resolved_key(request, raw)
        if key is None:
            raise exceptions.AuthenticationFailed("Invalid API key.")
        return (None, key)

    def authenticate_header(self, request: Request) -> str:
        # Its presence makes DRF answer 401 (not 403) when the key is missing.
        return 'ApiKey header="X-API-Key"'


class HasApiKey(permissions.BasePermission):
    """Any valid key may read; only a read-write key may change anything."""

    message = "This API key is read-only."

    def has_permission(self, request: Request, view: object) -> bool:
        key = request.auth
        if not isinstance(key, ApiKey):
            raise exceptions.NotAuthenticated("Missing API key: send it in the X-API-Key header.")
        return request.method in permissions.SAFE_METHODS or not key.read_only


def key_from_query(request: HttpRequest | Request) -> ApiKey | None:
    """api.php passes the key as ``?key=``."""
    return resolved_key(request, request.GET.get("key"))
