"""Keeps the pages' day-long cache warm, so that no visitor waits for 90 days
of rollups to be read: a render then reads only yesterday and today."""

import zoneinfo

from celery import shared_task
from django.conf import settings
from django.utils import timezone, translation

from pages.models import StatusPage
from pages.resolve import fallback_page
from pages.scope import layout_of
from statuspage.page.bars import build_bars
from statuspage.public.current import page_monitors


@shared_task(
    name="statuspage.tasks.warm_page", ignore_result=True, time_limit=120, soft_time_limit=100
)
def warm_page() -> None:
    """Build the settled day bars of today of every page in every language, where missing."""
    now = timezone.now()
    for page in list(StatusPage.objects.all()) or [fallback_page()]:
        layout = layout_of(page)
        ids = [m.pk for m in page_monitors(("id", "category_id"), layout) if layout.shows(m)]
        zone = zoneinfo.ZoneInfo(page.time_zone or settings.TIME_ZONE)
        with timezone.override(zone):
            today = timezone.localdate(now)
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    build_bars(ids, today, now)
