"""Subscribers as CSV, for the admin's export and import (moving from
another status page, or back). Columns: kind, address, language,
confirmed_at (ISO 8601; empty: not confirmed), monitors and categories (ids
separated by spaces; both empty: everything on the page), secret (webhooks'
signing secret), component_updates (1: also components' status changes),
page (the slug of the status page subscribed to; empty or no such column:
the default page, so files from before pages still import).

The export leaves the secret column out: a webhook's secret is shown once,
when it is made, and a CSV file is copied, mailed and kept where a secret
should not be. An import takes a secret when the file has one (moving from
another page whose receivers know it); a webhook row without one gets a new
secret, which the admin shows once after the import."""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_datetime

from alerts.models import Subscriber, SubscriberKind
from alerts.models.subscriber import new_secret
from alerts.subscribers.subscribing import default_page, normalise_address, validate_address
from monitors.models import Category, Monitor
from pages.models import StatusPage

COLUMNS = [
    "kind", "address", "language", "confirmed_at", "monitors", "categories", "secret",
    "component_updates", "page",
]  # fmt: skip
EXPORTED = [column for column in COLUMNS if column != "secret"]


def export(subscribers: Iterable[Subscriber]) -> str:
    """``subscribers`` must come with monitors and categories prefetched and
    their page selected."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORTED)
    for s in subscribers:
        writer.writerow([
            s.kind, s.address, s.language,
            s.confirmed_at.isoformat() if s.confirmed_at else "",
            " ".join(str(m.pk) for m in s.monitors.all()),
            " ".join(str(c.pk) for c in s.categories.all()),
            "1" if s.component_updates else "", s.page.slug,
        ])  # fmt: skip
    return out.getvalue()


@dataclass
class Imported:
    created: list[Subscriber] = field(default_factory=list)
    skipped: int = 0  # email addresses subscribed to that page already
    errors: list[str] = field(default_factory=list)
    # Webhooks that came without a secret and got a new one: to show once.
    new_secrets: list[Subscriber] = field(default_factory=list)


def _ids(text: str, known: set[int], what: str) -> list[int]:
    try:
        ids = [int(part) for part in text.split()]
    except ValueError:
        raise ValidationError(f"{what}: ids separated by spaces") from None
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ValidationError(f"{what}: no such id {unknown[0]}")
    return ids


def _row(
    raw: dict[str, str], monitors: set[int], categories: set[int], pages: dict[str, int]
) -> dict[str, Any]:
    kind = (raw.get("kind") or "").strip()
    address = normalise_address(kind, raw.get("address") or "")
    validate_address(kind, address)
    language = (raw.get("language") or "").strip() or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(f"language: one of {', '.join(dict(settings.LANGUAGES))}")
    confirmed: datetime | None = None
    if (raw.get("confirmed_at") or "").strip():
        confirmed = parse_datetime(raw["confirmed_at"].strip())
        if confirmed is None or confirmed.tzinfo is None:
            raise ValidationError("confirmed_at: an ISO 8601 time with its offset")
    if kind == SubscriberKind.WEBHOOK:
        confirmed = confirmed or datetime.now().astimezone()
    secret = (raw.get("secret") or "").strip() if kind == SubscriberKind.WEBHOOK else ""
    slug = (raw.get("page") or "").strip()
    if slug and slug not in pages:
        raise ValidationError(f"page: no page has the slug {slug!r}")
    return {
        "page_id": pages[slug] if slug else None,  # None: the default page
        "kind": kind, "address": address, "language": language, "confirmed_at": confirmed,
        "secret": secret or (new_secret() if kind == SubscriberKind.WEBHOOK else ""),
        "new_secret": kind == SubscriberKind.WEBHOOK and not secret,
        "monitors": _ids(raw.get("monitors") or "", monitors, "monitors"),
        "categories": _ids(raw.get("categories") or "", categories, "categories"),
        "component_updates": (raw.get("component_updates") or "").strip() in ("1", "true", "yes"),
    }  # fmt: skip


def import_csv(text: str) -> Imported:
    """Check every row first; save all of them, or none when one is wrong."""
    result = Imported()
    reader = csv.DictReader(io.StringIO(text))
    missing = {"kind", "address"} - set(reader.fieldnames or [])
    if missing:
        result.errors.append(f"The first line must name the columns; missing: {sorted(missing)}")
        return result
    monitors = set(Monitor.objects.values_list("pk", flat=True))
    categories = set(Category.objects.values_list("pk", flat=True))
    pages = dict(StatusPage.objects.values_list("slug", "pk"))
    rows = []
    for line, raw in enumerate(reader, start=2):
        try:
            rows.append(_row(raw, monitors, categories, pages))
        except ValidationError as exc:
            result.errors.append(f"line {line}: {' '.join(exc.messages)}")
    if result.errors:
        return result
    if any(row["page_id"] is None for row in rows):
        default = default_page().pk
        for row in rows:
            row["page_id"] = row["page_id"] or default
    emails = {r["address"] for r in rows if r["kind"] == SubscriberKind.EMAIL}
    taken = set(
        Subscriber.objects.filter(kind=SubscriberKind.EMAIL, address__in=emails).values_list(
            "page_id", "address"
        )
    )
    with transaction.atomic():
        for row in rows:
            subscription = (row["page_id"], row["address"])
            if row["kind"] == SubscriberKind.EMAIL and subscription in taken:
                result.skipped += 1
                continue
            taken.add(subscription)
            chosen_monitors, chosen_categories = row.pop("monitors"), row.pop("categories")
            made_secret = row.pop("new_secret")
            subscriber = Subscriber.objects.create(**row)
            subscriber.monitors.set(chosen_monitors)
            subscriber.categories.set(chosen_categories)
            result.created.append(subscriber)
            if made_secret:
                result.new_secrets.append(subscriber)
    return result
