"""The v1 API's key header, error shape and body limit, for the shared API
middleware (statuspage/api/dialect.py)."""

from typing import Any

from django.http import HttpRequest

from statuspage.api.dialect import Dialect

MAX_BODY_BYTES = 1024 * 1024


def _raw_key(request: HttpRequest) -> str | None:
    return request.META.get("HTTP_X_API_KEY")


def _error(message: str) -> dict[str, Any]:
    return {"detail": message}


LEGITUPTIME = Dialect(
    name="v1",
    raw_key=_raw_key,
    error_body=_error,
    throttled=lambda wait: f"Request was throttled. Expected available in {wait} seconds.",
    max_body_bytes=MAX_BODY_BYTES,
)
