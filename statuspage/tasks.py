"""Keeps the page's day-long cache warm, so that no visitor waits for 90 days
of rollups to be read: a render then reads only yesterday and today."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone, translation

from statuspage.page.bars import build_bars


@shared_task(
    name="statuspage.tasks.warm_page", ignore_result=True, time_limit=120, soft_time_limit=100
)
def warm_page() -> None:
    """Build the settled day bars of today in every language, where missing."""
    today, now = timezone.localdate(), timezone.now()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            build_bars([], today, now)
