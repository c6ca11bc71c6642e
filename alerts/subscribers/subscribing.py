"""Subscribing to a status page, confirming, choosing components and leaving.
The page's forms and the admin call these; nothing here tells a caller
whether an address was already subscribed (the answer to the visitor is the
same either way)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts.models import Subscriber, SubscriberKind
from alerts.models.subscriber import new_secret
from alerts.subscribers.links import token_of_confirmation
from alerts.subscribers.webhook_urls import validate_webhook_url
from monitors.models import Category, Monitor
from pages.models import StatusPage
from pages.resolve import fallback_page


def normalise_address(kind: str, address: str) -> str:
    address = address.strip()
    return address.lower() if kind == SubscriberKind.EMAIL else address


def validate_address(kind: str, address: str) -> None:
    """The one rule for what a subscriber's address may be (form and admin)."""
    if kind == SubscriberKind.EMAIL:
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(_("Enter a valid email address.")) from None
    elif kind == SubscriberKind.WEBHOOK:
        validate_webhook_url(address)
    else:
        raise ValidationError(_("Choose email or webhook."))


def default_page() -> StatusPage:
    """The default page; stored now, as pages/0002 stores it, when there is
    none (every page deleted by hand: the page is served by pages.resolve's
    fallback, and a subscription needs its row)."""
    found = StatusPage.objects.filter(is_default=True).first()
    if found is not None:
        return found
    page = fallback_page()
    if StatusPage.objects.filter(slug=page.slug).exists():  # another page took the slug
        page.slug = f"{page.slug}-{new_secret()[:6]}"
    try:
        with transaction.atomic():
            page.save()
    except IntegrityError:  # another request stored it first
        return StatusPage.objects.get(is_default=True)
    return page


def stored_page(page: StatusPage) -> StatusPage:
    """``page``, or for the unsaved fallback page, the default page's row."""
    return page if page.pk is not None else default_page()


@dataclass(frozen=True)
class Subscribed:
    subscriber: Subscriber
    # For an email: "confirm" (a confirmation link is due) or "already" (a
    # confirmed address: it is told so, and how to manage it). None: nothing to send.
    mail: str | None = None


def subscribe(
    kind: str,
    address: str,
    *,
    page: StatusPage,
    language: str,
    monitors: Iterable[Monitor] = (),
    categories: Iterable[Category] = (),
    component_updates: bool = False,
) -> Subscribed:
    """Subscribe ``address`` (validated by the caller) to ``page`` (the
    components, the caller's to keep to the page's). An email waits for its
    confirmation; a webhook is confirmed at once with a fresh secret."""
    address = normalise_address(kind, address)
    page = stored_page(page)
    now = timezone.now()
    if kind == SubscriberKind.WEBHOOK:
        with transaction.atomic():
            subscriber = Subscriber.objects.create(
                page=page, kind=kind, address=address, language=language, secret=new_secret(),
                confirmed_at=now, component_updates=component_updates,
            )  # fmt: skip
            subscriber.monitors.set(monitors)
            subscriber.categories.set(categories)
        return Subscribed(subscriber)
    try:
        with transaction.atomic():
            subscriber = Subscriber.objects.create(
                page=page, kind=kind, address=address, language=language,
                component_updates=component_updates,
            )  # fmt: skip
            subscriber.monitors.set(monitors)
            subscriber.categories.set(categories)
        return Subscribed(subscriber, mail="confirm")
    except IntegrityError:
        subscriber = Subscriber.objects.get(page=page, kind=kind, address=address)
    if subscriber.confirmed_at is not None:
        # Someone else may be typing this address: change nothing, tell its owner.
        return Subscribed(subscriber, mail="already")
    with transaction.atomic():  # not confirmed yet: the newest choice wins
        subscriber.language, subscriber.component_updates = language, component_updates
        subscriber.save(update_fields=["language", "component_updates"])
        subscriber.monitors.set(monitors)
        subscriber.categories.set(categories)
    return Subscribed(subscriber, mail="confirm")


def confirm(signed: str) -> Subscriber | None:
    """Confirm the subscription a confirmation link names; None when the
    link is forged, expired or its subscription is gone."""
    token = token_of_confirmation(signed)
    if token is None:
        return None
    subscriber = Subscriber.objects.filter(token=token).first()
    if subscriber is not None and subscriber.confirmed_at is None:
        Subscriber.objects.filter(pk=subscriber.pk, confirmed_at__isnull=True).update(
            confirmed_at=timezone.now()
        )
        subscriber.refresh_from_db()
    return subscriber


def choose(
    subscriber: Subscriber,
    monitors: Iterable[Monitor],
    categories: Iterable[Category],
    component_updates: bool = False,
) -> None:
    """Change what ``subscriber`` hears about (nothing chosen: everything on its page)."""
    with transaction.atomic():
        subscriber.component_updates = component_updates
        subscriber.save(update_fields=["component_updates"])
        subscriber.monitors.set(monitors)
        subscriber.categories.set(categories)


def unsubscribe(token: str) -> bool:
    """Forget the subscriber (its waiting deliveries go with it); False if unknown."""
    deleted, _rows = Subscriber.objects.filter(token=token).delete()
    return bool(deleted)


def forget_unconfirmed(now: datetime) -> int:
    """Delete the email subscriptions whose confirmation link has expired
    unopened: an address nobody confirmed is not kept."""
    expired = now - timedelta(hours=settings.SUBSCRIBER_CONFIRM_HOURS)
    stale = Subscriber.objects.filter(
        kind=SubscriberKind.EMAIL, confirmed_at__isnull=True, created_at__lt=expired
    ).filter(Q(confirmation_sent_at__isnull=True) | Q(confirmation_sent_at__lt=expired))
    deleted, _rows = stale.delete()
    return deleted
