"""Filters of the staff cockpit's templates."""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone

register = template.Library()


def short_age(delta: timedelta) -> str:
    """ "20 s", "14 min", "3 h", "2 d": staff read ages of seconds, which
    Django's ``timesince`` rounds to "0 minutes"."""
    seconds = int(delta.total_seconds())
    if seconds < 90:
        return f"{max(seconds, 0)} s"
    if seconds < 90 * 60:
        return f"{seconds // 60} min"
    if seconds < 36 * 3600:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"


@register.filter
def age(when: datetime | None, now: datetime | None = None) -> str:
    """How long ago ``when`` was, shortly: "20 s ago"."""
    if when is None:
        return "never"
    return f"{short_age((now or timezone.now()) - when)} ago"
