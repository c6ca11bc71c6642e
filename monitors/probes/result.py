from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """What one probe found.

    ``ok`` is None when the probe could not run from this worker at all (ICMP
    not permitted, an error of our own): that says nothing about the target,
    so it is neither a success nor a failure.
    """

    ok: bool | None
    reason: str  # short text a person can read: "connection refused", "HTTP 200"
    response_ms: int | None = None
    cert_expires_at: datetime | None = None

    @classmethod
    def up(cls, reason: str, response_ms: int | None = None, **extra: Any) -> "ProbeResult":
        return cls(True, reason, response_ms, **extra)

    @classmethod
    def down(cls, reason: str, response_ms: int | None = None) -> "ProbeResult":
        return cls(False, reason, response_ms)

    @classmethod
    def unknown(cls, reason: str) -> "ProbeResult":
        return cls(None, reason)


def elapsed_ms(started: float, ended: float) -> int:
    """Whole milliseconds between two ``time.perf_counter()`` readings."""
    return max(0, round((ended - started) * 1000))
