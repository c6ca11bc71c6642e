"""Who hears a notice: the one rule, as one query for any number of subscribers.

A confirmed subscriber hears about the monitors it chose and those of the
categories it chose. One that chose nothing hears about everything its page
shows: a notice on a monitor the page shows (the page shows every monitor,
or that monitor, or its category). A notice about no monitor at all (an
incident on nothing in particular) reaches those who chose nothing on the
default page and on pages that show everything: where such an incident
shows (pages/scope.py, ``Layout.shows_incident``)."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from alerts.models import Notice, Subscriber
from pages.models import PageCategory, PageMonitor

_ChosenMonitor = Subscriber.monitors.through
_ChosenCategory = Subscriber.categories.through


def components_of(notice: Notice) -> list[tuple[int, int | None]]:
    """(monitor id, category id) of every monitor the notice is about."""
    if notice.monitor is not None:
        return [(notice.monitor.pk, notice.monitor.category_id)]
    about = notice.incident if notice.incident_id else notice.maintenance
    if about is None:
        return []
    return list(about.monitors.order_by("pk").values_list("pk", "category_id"))


def on_their_page(monitors: list[int], categories: set[int]) -> Q:
    """Subscribers whose page shows a notice on ``monitors`` (of ``categories``)."""
    if not monitors:
        return Q(page__is_default=True) | Q(page__shows_everything=True)
    page = OuterRef("page")
    return (
        Q(page__shows_everything=True)
        | Q(Exists(PageMonitor.objects.filter(page=page, monitor__in=monitors)))
        | Q(Exists(PageCategory.objects.filter(page=page, category__in=categories)))
    )


def audience(components: list[tuple[int, int | None]]) -> "QuerySet[Subscriber]":
    """The confirmed subscribers that hear about any of ``components``."""
    monitors = [m for m, _ in components]
    categories = {c for _, c in components if c is not None}
    mine = {"subscriber": OuterRef("pk")}
    chose_nothing = ~Exists(_ChosenMonitor.objects.filter(**mine)) & ~Exists(
        _ChosenCategory.objects.filter(**mine)
    )
    chose_one = Exists(_ChosenMonitor.objects.filter(**mine, monitor__in=monitors)) | Exists(
        _ChosenCategory.objects.filter(**mine, category__in=categories)
    )
    everything_on_page = Q(chose_nothing) & on_their_page(monitors, categories)
    return Subscriber.objects.confirmed().filter(everything_on_page | Q(chose_one))
