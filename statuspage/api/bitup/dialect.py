"""api.php's key parameter and error shape, for the shared API middleware
(statuspage/api/dialect.py)."""

from django.http import HttpRequest

from statuspage.api.bitup.envelope import error
from statuspage.api.dialect import Dialect


def _raw_key(request: HttpRequest) -> str | None:
    return request.GET.get("key")


BITUP = Dialect(
    name="bitup",
    raw_key=_raw_key,
    error_body=error,
    throttled=lambda wait: f"Too many requests. Try again in {wait} seconds.",
)
