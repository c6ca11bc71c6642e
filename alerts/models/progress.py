"""How far the status-change events have been read (alerts/events.py says how)."""

from django.db import models


class EventCursor(models.Model):
    """A single row: every event with an id up to ``last_event_id`` is handled."""

    last_event_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "event cursor"

    def __str__(self) -> str:
        return f"events read up to {self.last_event_id}"


class HandledEvent(models.Model):
    """An event above the cursor that was already read (pruned as the cursor moves)."""

    event_id = models.BigIntegerField(primary_key=True)
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = "handled event"

    def __str__(self) -> str:
        return f"event {self.event_id} read at {self.seen_at:%Y-%m-%d %H:%M:%S}"
