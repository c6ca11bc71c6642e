"""A monitor's detail: how it has behaved over 24 h, 7 d, 30 d and 90 d, a
series per location (from the rollups), each location's latest result, its
status changes, its recent failed checks and its certificate. A fixed number
of queries whatever the history and the number of locations."""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.safestring import SafeString

from monitors import performance
from monitors.models import FailedCheck, LocationResult, Monitor, StatusEvent
from statuspage.cockpit import charts
from statuspage.cockpit.site import CockpitSite, render

SHOWN = 20


@dataclass(frozen=True)
class Key:
    """A location's row under a chart, with its series' colour class."""

    series: performance.Series
    css: str


@dataclass(frozen=True)
class Chart:
    span: performance.Span
    svg: SafeString

    @property
    def keys(self) -> list[Key]:
        return [Key(s, f"s{s.index % charts.SERIES_CLASSES}") for s in self.span.series]


def detail(site: CockpitSite, request: HttpRequest, pk: int) -> HttpResponse:
    monitor = get_object_or_404(Monitor.objects.select_related("category"), pk=pk)
    now = timezone.now()
    spans = performance.spans(monitor.pk, now, monitor.location_codes)
    events = StatusEvent.objects.filter(monitor=monitor).order_by("-at", "-id")[:SHOWN]
    failures = FailedCheck.objects.filter(monitor=monitor).order_by("-last_checked_at", "-id")
    cert_days = (monitor.cert_expires_at - now).days if monitor.cert_expires_at else None
    return render(
        site, request, "admin/cockpit/monitor_detail.html",
        title=monitor.name, opts=Monitor._meta, monitor=monitor, now=now,
        charts=[Chart(span, charts.response_chart(span)) for span in spans],
        latest=list(LocationResult.objects.filter(monitor=monitor).order_by("location")),
        events=list(events), failures=list(failures[:SHOWN]), cert_days=cert_days,
    )  # fmt: skip
