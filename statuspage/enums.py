"""Every enum the product stores, and how each API spells it.

A value is stored once (the TextChoices below); the v1 API (LegitUptime) and
api.php (BitUp) each spell it their own way through a ``Spelling``. Nothing
else in the code base should know a code such as ``"iv"`` or ``"30s"``.
"""

from collections.abc import Mapping
from typing import Generic, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _

V = TypeVar("V")


class Spelling(Generic[V]):
    """A two-way map between one API's codes and the stored values."""

    def __init__(self, codes: Mapping[str, V]) -> None:
        self._stored = dict(codes)
        self._code = {value: code for code, value in codes.items()}

    @property
    def codes(self) -> list[str]:
        return list(self._stored)

    def code(self, stored: V) -> str:
        return self._code[stored]

    def nearest_code(self, stored: int) -> str:
        """The code of ``stored``, or of the closest listed value: a row edited
        outside the admin and the API (say to 5 s) must not break a whole list,
        and the contract has no code for it."""
        if stored in self._code:
            return self._code[stored]
        closest = min(self._code, key=lambda value: abs(value - stored))  # type: ignore[operator]
        return self._code[closest]

    def stored(self, code: str) -> V:
        """The stored value for ``code``; KeyError when the API has no such code."""
        return self._stored[code]


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
# 0 means "never".
CHECK_FREQUENCY_SECONDS = {
    "30s": 30, "1m": _MINUTE, "2m": 2 * _MINUTE, "3m": 3 * _MINUTE, "5m": 5 * _MINUTE,
    "10m": 10 * _MINUTE, "15m": 15 * _MINUTE, "30m": 30 * _MINUTE, "1h": _HOUR,
    "3h": 3 * _HOUR, "6h": 6 * _HOUR, "12h": 12 * _HOUR, "24h": 24 * _HOUR,
}  # fmt: skip
RESEND_FREQUENCY_SECONDS = {
    "n": 0, "1m": _MINUTE, "2m": 2 * _MINUTE, "3m": 3 * _MINUTE, "5m": 5 * _MINUTE,
    "10m": 10 * _MINUTE, "15m": 15 * _MINUTE, "30m": 30 * _MINUTE, "1h": _HOUR,
}  # fmt: skip
SSL_ALERT_DAYS = {"n": 0, "1d": 1, "3d": 3, "7d": 7, "10d": 10, "15d": 15, "30d": 30}

# The status codes the v1 contract lists for ExpectedStatusCodes.
HTTP_STATUS_CODES = frozenset(
    [100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226]
    + [300, 301, 302, 303, 304, 305, 306, 307, 308]
    + [400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415]
    + [416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451]
    + [500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511]
)

# v1 (LegitUptime) spellings.
V1_PROTOCOL = Spelling({"h": Protocol.HTTP, "p": Protocol.TCP, "i": Protocol.PING})
V1_SEVERITY = Spelling({"o": Severity.OUTAGE, "d": Severity.DEGRADED})
V1_INCIDENT_STATUS = Spelling(
    {
        "iv": IncidentStatus.INVESTIGATING,
        "id": IncidentStatus.IDENTIFIED,
        "u": IncidentStatus.UPDATE,
        "m": IncidentStatus.MONITORING,
        "r": IncidentStatus.RESOLVED,
    }
)
V1_RECUR_UNIT = Spelling({"d": RecurUnit.DAY, "w": RecurUnit.WEEK, "m": RecurUnit.MONTH})
V1_CHECK_FREQUENCY = Spelling(CHECK_FREQUENCY_SECONDS)
V1_RESEND_FREQUENCY = Spelling(RESEND_FREQUENCY_SECONDS)
V1_SSL_ALERT = Spelling(SSL_ALERT_DAYS)

# api.php (BitUp) spellings.
BITUP_TYPE = Spelling({"http": Protocol.HTTP, "tcp": Protocol.TCP, "ping": Protocol.PING})
BITUP_INCIDENT_TYPE = Spelling({"down": Severity.OUTAGE, "degraded": Severity.DEGRADED})
BITUP_STATUS = Spelling({s.value: s for s in Status})


def _label(seconds: int) -> str:
    if seconds % _HOUR == 0:
        return f"{seconds // _HOUR} h"
    if seconds % _MINUTE == 0:
        return f"{seconds // _MINUTE} min"
    return f"{seconds} s"


CHECK_FREQUENCY_CHOICES = [(s, _label(s)) for s in CHECK_FREQUENCY_SECONDS.values()]
RESEND_FREQUENCY_CHOICES = [
    (s, _("Never") if s == 0 else _label(s)) for s in RESEND_FREQUENCY_SECONDS.values()
]
SSL_ALERT_CHOICES = [(d, _("Never") if d == 0 else f"{d} d") for d in SSL_ALERT_DAYS.values()]
