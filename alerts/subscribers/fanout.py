"""From a notice to the deliveries of its audience, in batches.

The fan-out only writes rows (bulk, ignoring the ones that exist), so a
task run twice makes no second delivery; it answers with the batches of
waiting deliveries to send, each small enough for one task: emails share one
SMTP connection per batch, webhooks are posted a few at a time."""

from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from alerts.delivery import LOST_AFTER
from alerts.models import (
    DeliveryState,
    Notice,
    NoticeChoice,
    NoticeDelivery,
    NoticeKind,
    NoticeState,
    Subscriber,
    SubscriberKind,
)
from alerts.subscribers.audience import audience, components_of

EMAIL_BATCH = 200
WEBHOOK_BATCH = 50


def wanted(notice: Notice) -> bool:
    """Did staff leave this incident or maintenance to be announced (the
    default), and is the incident one the page shows?"""
    if notice.incident is not None and not notice.incident.show_on_status_page:
        return False
    if notice.monitor_id:
        return True  # subscribers asked for these themselves
    if notice.incident_id:
        said = NoticeChoice.objects.filter(incident_id=notice.incident_id)
    else:
        said = NoticeChoice.objects.filter(maintenance_id=notice.maintenance_id)
    return not said.filter(notify=False).exists()


def fan_out(notice_id: int, now: datetime | None = None) -> list[list[int]]:
    """Make the deliveries of notice ``notice_id``; the batches to send."""
    # Not sent by then, a delivery is taken for lost and sent by the scan.
    look_again = (now or timezone.now()) + LOST_AFTER
    notice = (
        Notice.objects.select_related("incident", "maintenance", "monitor")
        .filter(pk=notice_id)
        .first()
    )
    if notice is None or notice.state == NoticeState.SILENT:
        return []
    if notice.state == NoticeState.NEW and not wanted(notice):
        Notice.objects.filter(pk=notice.pk).update(state=NoticeState.SILENT)
        return []
    with transaction.atomic():
        subscribers = audience(components_of(notice))
        if notice.kind == NoticeKind.COMPONENT_UPDATED:
            subscribers = subscribers.filter(component_updates=True)
        _insert_deliveries(notice, subscribers, look_again)
        Notice.objects.filter(pk=notice.pk).update(state=NoticeState.QUEUED)
    waiting = NoticeDelivery.objects.filter(
        notice=notice, state=DeliveryState.PENDING, attempts=0
    ).order_by("pk")
    return batches(waiting.values_list("pk", "subscriber__kind"))


def _insert_deliveries(
    notice: Notice, subscribers: "QuerySet[Subscriber]", look_again: datetime
) -> None:
    """One INSERT ... SELECT for the whole audience: the database copies the
    ids (10,000 rows through the ORM cost seconds of Python), and the unique
    pair skips the rows a previous run made."""
    select, params = subscribers.order_by().values("id").query.sql_with_params()
    table = connection.ops.quote_name(NoticeDelivery._meta.db_table)
    sql = (
        f"INSERT INTO {table} (notice_id, subscriber_id, state, attempts, claim, "  # noqa: S608
        "last_error, next_attempt_at) "
        f"SELECT %s, chosen.id, %s, 0, '', '', %s FROM ({select}) chosen "
        # WHERE true: SQLite's parser needs it before ON CONFLICT in INSERT ... SELECT.
        "WHERE true ON CONFLICT DO NOTHING"
    )
    stamp = connection.ops.adapt_datetimefield_value(look_again)
    with connection.cursor() as cursor:
        cursor.execute(sql, [notice.pk, DeliveryState.PENDING, stamp, *params])


def batched(items: Iterable[int], size: int) -> Iterator[list[int]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def batches(rows: Iterable[tuple[int, str]]) -> list[list[int]]:
    """(delivery id, subscriber kind) pairs grouped into send batches."""
    emails: list[int] = []
    webhooks: list[int] = []
    for pk, kind in rows:
        (emails if kind == SubscriberKind.EMAIL else webhooks).append(pk)
    return [*batched(emails, EMAIL_BATCH), *batched(webhooks, WEBHOOK_BATCH)]
