"""What an alert says: the subject and text for people, the JSON for webhooks."""

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from alerts.models import Alert, AlertEvent
from core.timefmt import v1_datetime


@dataclass(frozen=True)
class Message:
    event: str
    monitor_id: int | None
    monitor_name: str
    reason: str
    at: datetime
    down_for_seconds: int | None = None
    is_resend: bool = False

    @classmethod
    def of(cls, alert: Alert) -> "Message":
        return cls(
            event=alert.event,
            monitor_id=alert.monitor_id,
            monitor_name=alert.monitor.name,
            reason=alert.reason,
            at=alert.at,
            down_for_seconds=alert.down_for_seconds,
            is_resend=alert.is_resend,
        )

    @property
    def subject(self) -> str:
        name = one_line(self.monitor_name)
        if self.event == AlertEvent.DOWN:
            return f"{name} is still down" if self.is_resend else f"{name} is down"
        if self.event == AlertEvent.UP:
            return f"{name} is up"
        if self.event == AlertEvent.CERTIFICATE:
            return f"The certificate of {name} expires soon"
        return f"Test notification from {name}"  # name: the site's, for a test

    @property
    def text(self) -> str:
        lines = [self.subject + "."]
        if self.reason:
            lines.append(self.reason)
        if self.down_for_seconds is not None:
            lines.append(f"Down for {duration(self.down_for_seconds)}.")
        lines.append(f"At {v1_datetime(self.at)}.")
        return "\n".join(lines)

    def payload(self) -> dict[str, Any]:
        """The webhook body (DESIGN.md fixes its shape)."""
        return {
            "monitor": {"id": self.monitor_id, "name": self.monitor_name},
            "event": self.event,
            "reason": self.reason,
            "at": v1_datetime(self.at),
            "down_for_seconds": self.down_for_seconds,
        }


def one_line(text: str) -> str:
    """``text`` as one line: a name's line breaks (or any control character,
    some of which mail readers split on) must not start a new header line."""
    spaced = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    return " ".join(spaced.split())


def duration(seconds: int) -> str:
    """``2 h 5 min``, ``45 s``: how long, for people."""
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "min")) if n]
    if secs and not days and not hours:
        parts.append(f"{secs} s")
    return " ".join(parts) or "0 s"


def test_message(site_name: str, now: datetime) -> Message:
    """What "send test notification" sends: event "test", no monitor."""
    return Message(
        event=AlertEvent.TEST,
        monitor_id=None,
        monitor_name=site_name,
        reason="A test notification from the status page admin: this channel works.",
        at=now,
    )
