"""Incidents opened and resolved by alerts, for monitors (or categories) that
staff chose in the admin (AutoIncidentRule). The public message never quotes
the probe's reason: it may name internal addresses."""

from django.db.models import F, Q

from alerts.messages import duration
from alerts.models import Alert, AlertEvent, AutoIncidentRule, OpenedIncident
from incidents.models import Incident
from statuspage.enums import IncidentStatus


def follow(alert: Alert) -> None:
    """Open an incident on a first "down", resolve it on "up"."""
    if alert.event == AlertEvent.DOWN:
        _open(alert)
    elif alert.event == AlertEvent.UP:
        _resolve(alert)


def rule_for(monitor_id: int, category_id: int | None) -> AutoIncidentRule | None:
    """The monitor's own rule, else its category's."""
    return (
        AutoIncidentRule.objects.filter(Q(monitor=monitor_id) | Q(category=category_id))
        .order_by(F("monitor").asc(nulls_last=True))
        .first()
    )


def _open(alert: Alert) -> None:
    monitor = alert.monitor
    opened = OpenedIncident.objects.select_related("incident").filter(monitor=monitor).first()
    if opened is not None:
        if opened.incident.is_active:
            return  # the outage already has its incident (e.g. down again after a window)
        opened.delete()  # staff resolved it by hand; this is a new outage
    rule = rule_for(monitor.pk, monitor.category_id)
    if rule is None:
        return
    incident = Incident.objects.create(
        name=f"{monitor.name} is down"[:200], severity=rule.severity,
        message=f"{monitor.name} is not responding. We are looking into it."[:400],
        show_on_status_page=rule.show_on_status_page, created_at=alert.at,
    )  # fmt: skip
    incident.monitors.add(monitor)
    OpenedIncident.objects.create(monitor=monitor, incident=incident)


def _resolve(alert: Alert) -> None:
    opened = OpenedIncident.objects.select_related("incident").filter(monitor=alert.monitor_id)
    opened = opened.first()
    if opened is None:
        return
    incident = opened.incident
    if incident.is_active:
        down_for = f" after {duration(alert.down_for_seconds)}" if alert.down_for_seconds else ""
        incident.status = IncidentStatus.RESOLVED
        incident.message = f"{alert.monitor.name} is back up{down_for}."[:400]
        incident.save()
    opened.delete()
