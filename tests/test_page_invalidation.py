"""The page's cache is dropped once a change is committed, never before: a
render between a save and its commit must not cache what is about to change."""

import pytest
from django.db import transaction

from core import pagecache
from core.enums import Severity
from incidents.models import Incident
from pages.models import StatusPage

pytestmark = pytest.mark.django_db


def test_a_saved_monitor_drops_the_page_cache_only_once_committed(
    make_monitor, django_capture_on_commit_callbacks
):
    monitor = make_monitor()
    page = StatusPage.objects.get(is_default=True)
    before = pagecache.version(page.pk)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        monitor.name = "Renamed"
        monitor.save()
        assert pagecache.version(page.pk) == before
    assert pagecache.version(page.pk) != before


def test_a_rolled_back_change_leaves_the_page_cache_alone(
    make_monitor, django_capture_on_commit_callbacks
):
    monitor = make_monitor()
    before = pagecache.version()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        monitor.save()
        raise RuntimeError
    assert callbacks == [] and pagecache.version() == before


def test_many_saves_in_one_transaction_drop_the_cache_once(
    make_monitor, django_capture_on_commit_callbacks
):
    monitors = [make_monitor(name=f"m{i}") for i in range(5)]
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for monitor in monitors:
            monitor.save()
    assert len(callbacks) == 1  # one bump of the pages showing any of them


def test_an_incident_also_drops_what_is_cached_of_past_days(django_capture_on_commit_callbacks):
    page = StatusPage.objects.get(is_default=True)
    before = pagecache.incident_version(page.pk)
    with django_capture_on_commit_callbacks(execute=True):
        Incident.objects.create(name="Slow", severity=Severity.DEGRADED, message="x")
    assert pagecache.incident_version(page.pk) != before
