"""Every enum the product stores, once, in the product's own words.

How an API spells a value (``"iv"``, ``"30s"``, ``"tcp"``) is that API's
business: each dialect under statuspage/api/ maps these values to its codes
in its own ``spellings.py``, and nothing below statuspage knows a code.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Protocol(models.TextChoices):
    HTTP = "http", _("HTTP(S)")
    TCP = "tcp", _("TCP port")
    PING = "ping", _("ICMP ping")


class Status(models.TextChoices):
    PENDING = "pending", _("Pending")
    UP = "up", _("Up")
    DOWN = "down", _("Down")
    MAINTENANCE = "maintenance", _("Maintenance")


class Severity(models.TextChoices):
    OUTAGE = "outage", _("Outage")
    DEGRADED = "degraded", _("Degraded performance")


class IncidentStatus(models.TextChoices):
    INVESTIGATING = "investigating", _("Investigating")
    IDENTIFIED = "identified", _("Identified")
    UPDATE = "update", _("Update")
    MONITORING = "monitoring", _("Monitoring")
    RESOLVED = "resolved", _("Resolved")


class RecurUnit(models.TextChoices):
    DAY = "day", _("Days")
    WEEK = "week", _("Weeks")
    MONTH = "month", _("Months")


class Location(models.TextChoices):
    USE = "USE", _("US East")
    USW = "USW", _("US West")
    USC = "USC", _("US Central")
    UK = "UK", _("United Kingdom")
    AU = "AU", _("Australia")
    CH = "CH", _("China")
    BR = "BR", _("Brazil")
    IT = "IT", _("Italy")
    IA = "IA", _("India")


_MINUTE, _HOUR = 60, 3600

# Frequencies are stored as whole seconds (days for certificate warnings);
# 0 means "never". The lists are what staff and the APIs may choose from.
CHECK_FREQUENCIES = (
    30, _MINUTE, 2 * _MINUTE, 3 * _MINUTE, 5 * _MINUTE, 10 * _MINUTE, 15 * _MINUTE,
    30 * _MINUTE, _HOUR, 3 * _HOUR, 6 * _HOUR, 12 * _HOUR, 24 * _HOUR,
)  # fmt: skip
RESEND_FREQUENCIES = (
    0, _MINUTE, 2 * _MINUTE, 3 * _MINUTE, 5 * _MINUTE, 10 * _MINUTE, 15 * _MINUTE,
    30 * _MINUTE, _HOUR,
)  # fmt: skip
SSL_ALERT_DAYS = (0, 1, 3, 7, 10, 15, 30)

# The status codes a monitor may expect (those the v1 contract lists).
HTTP_STATUS_CODES = frozenset(
    [100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226]
    + [300, 301, 302, 303, 304, 305, 306, 307, 308]
    + [400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415]
    + [416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451]
    + [500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511]
)


def _label(seconds: int) -> str:
    if seconds % _HOUR == 0:
        return f"{seconds // _HOUR} h"
    if seconds % _MINUTE == 0:
        return f"{seconds // _MINUTE} min"
    return f"{seconds} s"


CHECK_FREQUENCY_CHOICES = [(s, _label(s)) for s in CHECK_FREQUENCIES]
RESEND_FREQUENCY_CHOICES = [(s, _("Never") if s == 0 else _label(s)) for s in RESEND_FREQUENCIES]
SSL_ALERT_CHOICES = [(d, _("Never") if d == 0 else f"{d} d") for d in SSL_ALERT_DAYS]
