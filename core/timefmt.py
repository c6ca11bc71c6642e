"""How each API writes a moment in time."""

from datetime import UTC, datetime

from django.utils import timezone


def v1_datetime(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z``, as the v1 contract's samples show."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def bitup_datetime(value: datetime | None) -> str | None:
    """``YYYY-MM-DD HH:MM:SS`` in the site's time zone, as api.php speaks."""
    if value is None:
        return None
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
