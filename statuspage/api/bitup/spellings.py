"""How api.php (the BitUp contract) spells the stored enums: the only place
that knows its codes."""

from core.enums import Protocol, Severity, Status
from core.spelling import Spelling

BITUP_TYPE = Spelling({"http": Protocol.HTTP, "tcp": Protocol.TCP, "ping": Protocol.PING})
BITUP_INCIDENT_TYPE = Spelling({"down": Severity.OUTAGE, "degraded": Severity.DEGRADED})
BITUP_STATUS = Spelling({s.value: s for s in Status})
