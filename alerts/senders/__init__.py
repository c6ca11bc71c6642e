"""One small module per channel kind, each with ``validate(target)`` and
``send(channel, message)``; a send that did not get through raises SendError."""

from types import ModuleType

from alerts.messages import Message
from alerts.models import ChannelKind, NotificationChannel
from alerts.senders import apprise_url, email, webhook
from alerts.senders.errors import SendError

SENDERS: dict[str, ModuleType] = {
    ChannelKind.EMAIL: email,
    ChannelKind.WEBHOOK: webhook,
    ChannelKind.APPRISE: apprise_url,
}

__all__ = ["SENDERS", "SendError", "send", "validate_target"]


def validate_target(kind: str, target: str) -> None:
    """Raise ValidationError (on ``target``) when the kind cannot use it."""
    SENDERS[kind].validate(target)


def send(channel: NotificationChannel, message: Message) -> None:
    SENDERS[channel.kind].send(channel, message)
