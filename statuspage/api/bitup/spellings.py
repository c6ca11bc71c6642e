"""How api.php (the BitUp contract) spells the stored enums: the only place
that knows its codes."""

from core.enums import Protocol, Severity, Status
from core.spelling import Spelling

# Spelling[str]: a model's field reads its stored value back as a plain str.
BITUP_TYPE: Spelling[str] = Spelling(
    {"http": Protocol.HTTP, "tcp": Protocol.TCP, "ping": Protocol.PING}
)
BITUP_INCIDENT_TYPE: Spelling[str] = Spelling(
    {"down": Severity.OUTAGE, "degraded": Severity.DEGRADED}
)
BITUP_STATUS: Spelling[str] = Spelling({s.value: s for s in Status})
