"""Email through Django's mail settings (EMAIL_URL, EMAIL_TIMEOUT)."""

import smtplib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email

from alerts.messages import Message
from alerts.models import NotificationChannel
from alerts.senders.errors import SendError


def addresses(target: str) -> list[str]:
    return [a.strip() for a in target.replace(";", ",").split(",") if a.strip()]


def validate(target: str) -> None:
    found = addresses(target)
    if not found:
        raise ValidationError({"target": "Give at least one email address."})
    for address in found:
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError({"target": f"{address!r} is not an email address."}) from None


def send(channel: NotificationChannel, message: Message) -> None:
    email = EmailMessage(
        subject=message.subject,
        body=message.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=addresses(channel.target),
    )
    try:
        # The SMTP backend's connection honours EMAIL_TIMEOUT.
        email.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        raise SendError(f"{type(exc).__name__}: {exc}") from exc
