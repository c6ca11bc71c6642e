"""Sending one batch of deliveries: claim them, send them, record the outcome.

The claim is one conditional UPDATE that stamps the rows it takes with this
batch's id, so a redelivered task (or the scan's copy of a batch) finds them
taken or sent and sends nothing twice. Emails share one SMTP connection per
batch; webhooks are posted a few at a time, each with a timeout, through a session
that judges the address it connects to (guarded_http.py). A failed
delivery waits its backoff and is tried again by the scan (retry.py); a
webhook subscriber that fails SUBSCRIBER_WEBHOOK_MAX_FAILURES times in a row
is disabled, the reason kept for the admin. Every attempt is counted in
statuspage_subscriber_deliveries, as alerts count theirs."""

import contextlib
import json
import smtplib
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.db.models import F, Q
from django.utils import timezone

from alerts.delivery import MAX_ATTEMPTS, backoff
from alerts.models import DeliveryState, NoticeDelivery, Subscriber, SubscriberKind
from alerts.senders.errors import SendError
from alerts.senders.webhook import post_signed
from alerts.subscribers.content import NoticeContent
from alerts.subscribers.guarded_http import guarded_session
from alerts.subscribers.mail import message
from alerts.subscribers.webhook_urls import validate_webhook_url
from core import metrics

SEND_TIME_LIMIT = 240  # seconds; the batch task's hard limit
CLAIM = timedelta(seconds=SEND_TIME_LIMIT + 30)
WEBHOOKS_IN_FLIGHT = 10
EVENT_HEADER = "X-Statuspage-Event"
# Delivery id -> None when it got through, else why not.
Errors = dict[int, str | None]


@dataclass(frozen=True)
class BatchOutcome:
    sent: int = 0
    failed: int = 0


def claim(delivery_ids: list[int], now: datetime) -> list[NoticeDelivery]:
    """Take the waiting (or abandoned) deliveries among ``delivery_ids``."""
    batch = uuid.uuid4().hex
    NoticeDelivery.objects.filter(pk__in=delivery_ids).filter(
        Q(state=DeliveryState.PENDING) | Q(state=DeliveryState.SENDING, claimed_until__lt=now)
    ).update(
        state=DeliveryState.SENDING, claim=batch, claimed_until=now + CLAIM,
        attempts=F("attempts") + 1,
    )  # fmt: skip
    return list(
        NoticeDelivery.objects.filter(claim=batch, state=DeliveryState.SENDING)
        .select_related(
            "subscriber__page",
            "notice__incident",
            "notice__update",
            "notice__maintenance",
            "notice__monitor",
        )
        .defer("subscriber__page__logo")  # the page's name and address are enough
        .order_by("pk")
    )


def send_batch(delivery_ids: list[int], now: datetime | None = None) -> BatchOutcome:
    now = now or timezone.now()
    rows = claim(delivery_ids, now)
    if not rows:
        return BatchOutcome()
    contents: dict[int, NoticeContent] = {}
    for row in rows:
        if row.notice_id not in contents:
            contents[row.notice_id] = NoticeContent(row.notice)
    errors: Errors = {}
    live = []
    for row in rows:
        if row.subscriber.disabled_at is not None:
            errors[row.pk] = "The subscription is disabled."
        else:
            live.append(row)
    emails = [r for r in live if r.subscriber.kind == SubscriberKind.EMAIL]
    webhooks = [r for r in live if r.subscriber.kind == SubscriberKind.WEBHOOK]
    tried = _send_emails(emails, contents) | _post_webhooks(webhooks, contents)
    _count(emails + webhooks, tried)
    return _record(rows, errors | tried, now)


def _count(tried: list[NoticeDelivery], errors: Errors) -> None:
    """One increment per channel and result, not per delivery: a write to the
    multiprocess metric files costs ~10 us and a batch holds 200 emails.
    A disabled subscription's delivery was not attempted and is not counted."""
    counts = Counter(
        (row.subscriber.kind, "sent" if errors.get(row.pk, "") is None else "failed")
        for row in tried
    )
    for (channel, result), count in counts.items():
        metrics.subscriber_deliveries.labels(channel=channel, result=result).inc(count)


def _send_emails(rows: list[NoticeDelivery], contents: dict[int, NoticeContent]) -> Errors:
    if not rows:
        return {}
    errors: Errors = {}
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as exc:
        return {row.pk: f"{type(exc).__name__}: {exc}" for row in rows}
    try:
        for row in rows:
            subscriber = row.subscriber
            page = subscriber.page
            mail = contents[row.notice_id].mail(page, subscriber.language)
            mail = mail.for_token(subscriber.token)
            try:
                message(subscriber.address, mail, subscriber.token, page, connection).send()
                errors[row.pk] = None
            except (smtplib.SMTPException, OSError) as exc:
                errors[row.pk] = f"{type(exc).__name__}: {exc}"
    finally:
        # The messages are sent; a failed QUIT changes nothing.
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.close()
    return errors


def _post_webhooks(rows: list[NoticeDelivery], contents: dict[int, NoticeContent]) -> Errors:
    if not rows:
        return {}
    jobs = [
        (
            row.pk,
            row.subscriber,
            row.notice.kind,
            contents[row.notice_id].payload(row.subscriber.page, row.subscriber.token),
        )
        for row in rows
    ]
    with ThreadPoolExecutor(max_workers=min(WEBHOOKS_IN_FLIGHT, len(jobs))) as pool:
        return dict(pool.map(lambda job: (job[0], _post(*job[1:])), jobs))


def _post(subscriber: Subscriber, event: str, payload: dict[str, Any]) -> str | None:
    try:
        validate_webhook_url(subscriber.address)  # again: DNS may have changed since
    except ValidationError as exc:
        return " ".join(exc.messages)
    body = json.dumps(payload, separators=(",", ":")).encode()
    try:
        with guarded_session() as session:
            post_signed(
                subscriber.address, body, subscriber.secret, headers={EVENT_HEADER: event},
                session=session,
            )  # fmt: skip
    except Exception as exc:  # SendError, or a bug: either way this delivery failed
        return f"{type(exc).__name__}: {exc}" if not isinstance(exc, SendError) else str(exc)
    return None


def _record(rows: list[NoticeDelivery], errors: Errors, now: datetime) -> BatchOutcome:
    done = timezone.now()
    sent = [row.pk for row in rows if errors.get(row.pk, "") is None]
    NoticeDelivery.objects.filter(pk__in=sent, state=DeliveryState.SENDING).update(
        state=DeliveryState.SENT, sent_at=done, claim="", claimed_until=None, last_error=""
    )
    failed = [row for row in rows if errors.get(row.pk) is not None]
    for row in failed:
        gave_up = row.attempts >= MAX_ATTEMPTS or row.subscriber.disabled_at is not None
        row.state = DeliveryState.FAILED if gave_up else DeliveryState.PENDING
        row.next_attempt_at = None if gave_up else now + timedelta(seconds=backoff(row.attempts))
        row.last_error = (errors[row.pk] or "")[:1000]
        row.claim, row.claimed_until = "", None
    NoticeDelivery.objects.bulk_update(
        failed, ["state", "next_attempt_at", "last_error", "claim", "claimed_until"]
    )
    _count_webhook_failures(rows, errors, now)
    return BatchOutcome(sent=len(sent), failed=len(failed))


def _count_webhook_failures(rows: list[NoticeDelivery], errors: Errors, now: datetime) -> None:
    hooks = [r for r in rows if r.subscriber.kind == SubscriberKind.WEBHOOK]
    worked = [r.subscriber_id for r in hooks if errors.get(r.pk, "") is None]
    broke = {r.subscriber_id: errors[r.pk] for r in hooks if errors.get(r.pk) is not None}
    if worked:
        Subscriber.objects.filter(pk__in=worked, failures__gt=0).update(failures=0)
    if not broke:
        return
    Subscriber.objects.filter(pk__in=list(broke)).update(failures=F("failures") + 1)
    limit = settings.SUBSCRIBER_WEBHOOK_MAX_FAILURES
    worn_out = Subscriber.objects.filter(
        pk__in=list(broke), failures__gte=limit, disabled_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(worn_out):  # rare: one query each is fine
        reason = f"{limit} failed deliveries in a row; the last: {broke[pk]}"
        Subscriber.objects.filter(pk=pk).update(disabled_at=now, disabled_reason=reason[:1000])
        NoticeDelivery.objects.filter(subscriber_id=pk, state=DeliveryState.PENDING).update(
            state=DeliveryState.FAILED, last_error="The subscription was disabled."
        )
