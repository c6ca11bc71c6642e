"""Incidents opened and resolved by alerts, for monitors (or categories) that
staff chose in the admin (AutoIncidentRule). The public message never quotes
the probe's reason: it may name internal addresses."""

from alerts.messages import duration
from alerts.models import Alert, AlertEvent, AutoIncidentRule, OpenedIncident
from core.enums import IncidentStatus
from incidents.models import Incident


def follow(alerts: list[Alert]) -> None:
    """Open an incident on a first "down", resolve it on "up"."""
    downs = [a for a in alerts if a.event == AlertEvent.DOWN]
    ups = [a for a in alerts if a.event == AlertEvent.UP]
    if downs:
        rules = list(AutoIncidentRule.objects.all())
        by_monitor = {r.monitor_id: r for r in rules if r.monitor_id}
        # Looked up by the monitor's category_id: None, for one without, finds nothing.
        by_category: dict[int | None, AutoIncidentRule] = {
            r.category_id: r for r in rules if r.category_id
        }
        for alert in downs:
            # The monitor's own rule, else its category's.
            rule = by_monitor.get(alert.monitor_id) or by_category.get(alert.monitor.category_id)
            if rule is not None:
                _open(alert, rule)
    if ups:
        opened = OpenedIncident.objects.select_related("incident")
        for record in opened.filter(monitor__in=[a.monitor_id for a in ups]):
            _resolve(record, next(a for a in ups if a.monitor_id == record.monitor_id))


def _open(alert: Alert, rule: AutoIncidentRule) -> None:
    monitor = alert.monitor
    opened = OpenedIncident.objects.select_related("incident").filter(monitor=monitor).first()
    if opened is not None:
        if opened.incident.is_active:
            return  # the outage already has its incident (e.g. down again after a window)
        opened.delete()  # staff resolved it by hand; this is a new outage
    incident = Incident.objects.create(
        name=f"{monitor.name} is down"[:200], severity=rule.severity,
        message=f"{monitor.name} is not responding. We are looking into it."[:400],
        show_on_status_page=rule.show_on_status_page, created_at=alert.at,
    )  # fmt: skip
    incident.monitors.add(monitor)
    OpenedIncident.objects.create(monitor=monitor, incident=incident)


def _resolve(opened: OpenedIncident, alert: Alert) -> None:
    incident = opened.incident
    if incident.is_active:
        down_for = f" after {duration(alert.down_for_seconds)}" if alert.down_for_seconds else ""
        incident.status = IncidentStatus.RESOLVED
        incident.message = f"{alert.monitor.name} is back up{down_for}."[:400]
        incident.save()
    opened.delete()
