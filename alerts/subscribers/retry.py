"""What the periodic scan sends again: deliveries whose backoff is over or
whose batch seems lost (a broker restart, a worker killed mid-batch), and
notices whose fan-out never ran. Each delivery picked is pushed LOST_AFTER
into the future, so a long queue is not flooded with copies; the batch claim
stops double sends."""

from datetime import datetime

from django.db.models import Q

from alerts.delivery import LOST_AFTER
from alerts.models import DeliveryState, Notice, NoticeDelivery, NoticeState
from alerts.subscribers.fanout import batches

SCAN_LIMIT = 5000


def due_batches(now: datetime) -> list[list[int]]:
    rows = list(
        NoticeDelivery.objects.filter(
            Q(state=DeliveryState.PENDING, next_attempt_at__lte=now)
            | Q(state=DeliveryState.SENDING, claimed_until__lt=now)
        )
        .order_by("pk")
        .values_list("pk", "subscriber__kind")[:SCAN_LIMIT]
    )
    NoticeDelivery.objects.filter(
        pk__in=[pk for pk, _ in rows], state=DeliveryState.PENDING
    ).update(next_attempt_at=now + LOST_AFTER)
    return batches(rows)


def lost_notices(now: datetime) -> list[int]:
    """Notices noticed more than LOST_AFTER ago and never fanned out."""
    return list(
        Notice.objects.filter(state=NoticeState.NEW, created_at__lt=now - LOST_AFTER)
        .order_by("pk")
        .values_list("pk", flat=True)[:100]
    )
