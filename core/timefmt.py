"""How each API writes a moment in time."""

from datetime import UTC, datetime, tzinfo

from django.utils import timezone


def v1_datetime(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z``, as the v1 contract's samples show."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def bitup_datetime(value: datetime | None, zone: tzinfo | None = None) -> str | None:
    """``YYYY-MM-DD HH:MM:SS`` in the site's time zone, as api.php speaks.
    A list of thousands passes ``zone`` (the current one, read once): reading
    it costs more than the conversion."""
    if value is None:
        return None
    return value.astimezone(zone or timezone.get_current_timezone()).strftime("%Y-%m-%d %H:%M:%S")
