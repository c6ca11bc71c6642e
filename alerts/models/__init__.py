from alerts.models.alert import Alert, AlertEvent, Attempt, Delivery, DeliveryState
from alerts.models.auto_incident import AutoIncidentRule, OpenedIncident
from alerts.models.channel import ChannelKind, NotificationChannel
from alerts.models.progress import EventCursor, HandledEvent
from alerts.models.subscriber import (
    Notice,
    NoticeChoice,
    NoticeDelivery,
    NoticeKind,
    NoticeState,
    Subscriber,
    SubscriberKind,
)

__all__ = [
    "Alert",
    "AlertEvent",
    "Attempt",
    "AutoIncidentRule",
    "ChannelKind",
    "Delivery",
    "DeliveryState",
    "EventCursor",
    "HandledEvent",
    "Notice",
    "NoticeChoice",
    "NoticeDelivery",
    "NoticeKind",
    "NoticeState",
    "NotificationChannel",
    "OpenedIncident",
    "Subscriber",
    "SubscriberKind",
]
