"""How the v1 API (the LegitUptime contract) spells the stored enums: the only
place that knows its codes."""

from core.enums import (
    CHECK_FREQUENCIES,
    RESEND_FREQUENCIES,
    SSL_ALERT_DAYS,
    IncidentStatus,
    Protocol,
    RecurUnit,
    Severity,
)
from core.spelling import Spelling

# Spelling[str]: a model's field reads its stored value back as a plain str.
V1_PROTOCOL: Spelling[str] = Spelling({"h": Protocol.HTTP, "p": Protocol.TCP, "i": Protocol.PING})
V1_SEVERITY: Spelling[str] = Spelling({"o": Severity.OUTAGE, "d": Severity.DEGRADED})
V1_INCIDENT_STATUS: Spelling[str] = Spelling(
    {
        "iv": IncidentStatus.INVESTIGATING,
        "id": IncidentStatus.IDENTIFIED,
        "u": IncidentStatus.UPDATE,
        "m": IncidentStatus.MONITORING,
        "r": IncidentStatus.RESOLVED,
    }
)
V1_RECUR_UNIT: Spelling[str] = Spelling(
    {"d": RecurUnit.DAY, "w": RecurUnit.WEEK, "m": RecurUnit.MONTH}
)
# In the order of the stored lists (core.enums), which the schema's enums follow.
V1_CHECK_FREQUENCY = Spelling(
    dict(zip(
        ("30s", "1m", "2m", "3m", "5m", "10m", "15m", "30m", "1h", "3h", "6h", "12h", "24h"),
        CHECK_FREQUENCIES, strict=True,
    ))
)  # fmt: skip
V1_RESEND_FREQUENCY = Spelling(
    dict(zip(
        ("n", "1m", "2m", "3m", "5m", "10m", "15m", "30m", "1h"), RESEND_FREQUENCIES, strict=True
    ))
)  # fmt: skip
V1_SSL_ALERT = Spelling(
    dict(zip(("n", "1d", "3d", "7d", "10d", "15d", "30d"), SSL_ALERT_DAYS, strict=True))
)
