"""What a monitor (a *component*) and the whole page are in: the one place for
the banner rule and for the words and codes each state is shown with.

How the hosted status page API v2 spells them is in statuspage/api/statuspage_v2/."""

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.enums import Severity, Status


class ComponentState(models.TextChoices):
    OPERATIONAL = "operational", _("Operational")
    DEGRADED = "degraded_performance", _("Degraded performance")
    PARTIAL_OUTAGE = "partial_outage", _("Partial outage")
    MAJOR_OUTAGE = "major_outage", _("Major outage")
    MAINTENANCE = "under_maintenance", _("Under maintenance")
    PENDING = "pending", _("Awaiting first check")


# Worst first wins when a group (a category) sums up its monitors.
_RANK = {
    ComponentState.PENDING: 0,
    ComponentState.OPERATIONAL: 1,
    ComponentState.MAINTENANCE: 2,
    ComponentState.DEGRADED: 3,
    ComponentState.PARTIAL_OUTAGE: 4,
    ComponentState.MAJOR_OUTAGE: 5,
}


def component_state(status: str, open_severities: Iterable[str] = ()) -> ComponentState:
    """A monitor's state from its probed status and the severities of the open
    incidents (shown on the page) that name it. What the probes measure wins
    over what an incident declares; maintenance wins over both, as a monitor
    in a window is expected to be down."""
    severities = set(open_severities)
    if status == Status.MAINTENANCE:
        return ComponentState.MAINTENANCE
    if status == Status.DOWN:
        return ComponentState.MAJOR_OUTAGE
    if Severity.OUTAGE in severities:
        return ComponentState.PARTIAL_OUTAGE
    if Severity.DEGRADED in severities:
        return ComponentState.DEGRADED
    if status == Status.PENDING:
        return ComponentState.PENDING
    return ComponentState.OPERATIONAL


def worst(states: Iterable[str]) -> ComponentState:
    """A group's state: the worst of its members (pending when it has none)."""
    return max(
        (ComponentState(s) for s in states), key=_RANK.__getitem__, default=ComponentState.PENDING
    )


class Overall(models.TextChoices):
    """The banner."""

    OPERATIONAL = "operational", _("All systems operational")
    DEGRADED = "degraded", _("Degraded performance")
    PARTIAL_OUTAGE = "partial_outage", _("Partial outage")
    MAJOR_OUTAGE = "major_outage", _("Major outage")
    MAINTENANCE = "maintenance", _("Under maintenance")


def overall_state(
    statuses: Iterable[str], open_severities: Iterable[str], maintenance_open: bool = False
) -> Overall:
    """The banner from the active monitors' statuses, the severities of the open
    incidents shown on the page, and whether a maintenance window is open.

    - Major outage: more than half of the monitors that report (up or down;
      pending and in-maintenance ones say nothing) are down.
    - Partial outage: any monitor down, or an open outage incident.
    - Degraded performance: an open degraded-performance incident.
    - Under maintenance: a monitor in maintenance or an open window.
    - Otherwise all systems operational (also with nothing checked yet).
    """
    statuses = list(statuses)
    severities = set(open_severities)
    down = statuses.count(Status.DOWN)
    reporting = down + statuses.count(Status.UP)
    if down and 2 * down > reporting:
        return Overall.MAJOR_OUTAGE
    if down or Severity.OUTAGE in severities:
        return Overall.PARTIAL_OUTAGE
    if Severity.DEGRADED in severities:
        return Overall.DEGRADED
    if maintenance_open or Status.MAINTENANCE in statuses:
        return Overall.MAINTENANCE
    return Overall.OPERATIONAL
