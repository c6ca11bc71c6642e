"""Who hears a notice: the one rule, as one query for any number of subscribers.

A confirmed subscriber hears about the monitors it chose and those of the
categories it chose; one that chose nothing hears about everything. A notice
about no monitor at all (an incident on nothing in particular) reaches only
those who chose everything."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from alerts.models import Notice, Subscriber

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
    return Subscriber.objects.confirmed().filter(Q(chose_nothing) | Q(chose_one))
