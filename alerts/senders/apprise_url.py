"""Any service Apprise supports (Slack, Discord, Teams, Telegram, ntfy, ...)
by its Apprise URL. Apprise's own socket timeouts apply (4 s to connect, 4 s
to read; ``?cto=`` and ``?rto=`` in the URL change them)."""

import logging

import apprise
from django.core.exceptions import ValidationError

from alerts.messages import Message
from alerts.models import NotificationChannel
from alerts.senders.errors import SendError


def _apprise(target: str) -> apprise.Apprise:
    notifier = apprise.Apprise()
    if not notifier.add(target):
        raise ValidationError({"target": "Apprise does not recognise this URL."})
    return notifier


def validate(target: str) -> None:
    _apprise(target)


def send(channel: NotificationChannel, message: Message) -> None:
    try:
        notifier = _apprise(channel.target)
    except ValidationError as exc:
        raise SendError("Apprise does not recognise this URL.") from exc
    # apprise has no annotations on LogCapture.
    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as log:  # type: ignore[no-untyped-call]
        # Plain text, said so: services that show HTML or Markdown get it escaped
        # (a monitor named "<script>" stays text); undeclared, it is passed on as is.
        delivered = notifier.notify(
            title=message.subject, body=message.text, body_format=apprise.NotifyFormat.TEXT
        )
    if not delivered:
        lines = [line for line in log.getvalue().splitlines() if line.strip()]
        raise SendError(lines[-1] if lines else "Apprise could not deliver the message.")
