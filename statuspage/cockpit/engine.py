"""The engine's health in the admin: what ``manage.py engine_status`` prints
(per location: monitors, messages waiting, lateness, overdue) plus checks per
second, each worker's last heartbeat and beat's last dispatch."""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

from monitors import engine_report
from monitors.backlog import LocationBacklog
from statuspage.cockpit import alarm, queues
from statuspage.cockpit.site import CockpitSite, render


@dataclass(frozen=True)
class LocationRow:
    backlog: LocationBacklog
    waiting: int | None
    behind: bool

    def _late(self, fraction: float) -> str:
        value = self.backlog.late(fraction)
        return "—" if value is None else f"{value:.2f} s"

    @property
    def p50(self) -> str:
        return self._late(0.5)

    @property
    def p99(self) -> str:
        return self._late(0.99)

    @property
    def pmax(self) -> str:
        return self._late(1.0)


def engine(site: CockpitSite, request: HttpRequest) -> HttpResponse:
    alarm.forget()  # the banner below reads what this page reads
    health = engine_report.health()
    waiting = queues.waiting(list(health.locations))
    rows = [
        LocationRow(row, waiting[code], engine_report.location_behind(row))
        for code, row in health.locations.items()
    ]
    return render(
        site, request, "admin/cockpit/engine.html",
        title="Engine health", health=health, rows=rows,
        silent={w.pk for w in health.workers if health.worker_silent(w)},
    )  # fmt: skip
