"""Keeps the pages' day-long cache warm, so that no visitor waits for 90 days
of rollups to be read: a render then reads only yesterday and today."""

import zoneinfo
from collections import defaultdict

from celery import shared_task
from django.conf import settings
from django.utils import timezone, translation

from pages.models import StatusPage
from pages.resolve import fallback_page
from pages.scope import layout_of
from statuspage.page.bars import build_bars
from statuspage.public.shown import shown_queryset


@shared_task(
    name="statuspage.tasks.warm_page", ignore_result=True, time_limit=120, soft_time_limit=100
)
def warm_page() -> None:
    """Build the settled day bars of today of every page in every language,
    where missing: on a page of many monitors, its categories' rows and the
    rows of each category's own page."""
    now = timezone.now()
    for page in list(StatusPage.objects.all()) or [fallback_page()]:
        layout = layout_of(page)
        shown = [m for m in shown_queryset(layout).only("id", "category_id") if layout.shows(m)]
        ids = [m.pk for m in shown]
        members: dict[int, list[int]] = defaultdict(list)
        for monitor in shown:
            members[monitor.category_id or 0].append(monitor.pk)
        zone = zoneinfo.ZoneInfo(page.time_zone or settings.TIME_ZONE)
        with timezone.override(zone):
            today = timezone.localdate(now)
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    if len(ids) <= settings.PAGE_COLLAPSE_OVER:
                        build_bars(ids, today, now)
                        continue
                    build_bars(ids, today, now, dict(members))
                    for group in members.values():
                        build_bars(group, today, now)
