"""A JSON POST, signed with the channel's secret when it has one."""

import hashlib
import hmac
import json

import requests
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from alerts.messages import Message
from alerts.models import NotificationChannel
from alerts.senders.errors import SendError

SIGNATURE_HEADER = "X-Signature-SHA256"
TIMEOUT = (5, 10)  # connect, read (seconds)


def validate(target: str) -> None:
    try:
        URLValidator(schemes=["http", "https"])(target)
    except ValidationError:
        raise ValidationError({"target": "Give an http:// or https:// URL."}) from None


def signature(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send(channel: NotificationChannel, message: Message) -> None:
    body = json.dumps(message.payload(), separators=(",", ":")).encode()
    post_signed(channel.target, body, channel.secret)


def post_signed(
    url: str,
    body: bytes,
    secret: str,
    headers: dict[str, str] | None = None,
    session: requests.Session | None = None,
) -> None:
    """POST the JSON ``body`` to ``url``, signed when there is a secret (the
    subscribers' webhooks send theirs this way too, through a ``session`` that
    checks the address it connects to); SendError unless 2xx. Without a
    session, ``requests.post``: staff chose the channel's URL."""
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "statuspage-alerts",
        **(headers or {}),
    }
    if secret:
        headers[SIGNATURE_HEADER] = signature(secret, body)
    try:
        # No redirects: they would carry the signed body to another address
        # (and turn the POST into a GET on 301/302).
        post = session.post if session is not None else requests.post
        response = post(url, data=body, headers=headers, timeout=TIMEOUT, allow_redirects=False)
    except requests.RequestException as exc:
        raise SendError(f"{type(exc).__name__}: {exc}") from exc
    if not 200 <= response.status_code < 300:
        raise SendError(f"HTTP {response.status_code}: {response.text[:200]}")
