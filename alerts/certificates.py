"""Certificate warnings: when a monitor's certificate (``cert_expires_at``,
kept by the HTTPS probe) expires within ``ssl_alert_days`` days (0: never),
at most once a day per monitor."""

from datetime import datetime, timedelta

from django.db.models import OuterRef, Subquery

from alerts.issue import AlertSpec, raise_alerts
from alerts.models import Alert, AlertEvent
from core.enums import SSL_ALERT_DAYS
from core.timefmt import v1_datetime
from monitors.models import Monitor

EVERY = timedelta(days=1)


def warn_of_expiring_certificates(now: datetime, *, in_maintenance: set[int]) -> list[int]:
    """Raise the certificate warnings due; the ids of the deliveries to send."""
    last_warning = Alert.objects.filter(
        monitor=OuterRef("pk"), event=AlertEvent.CERTIFICATE
    ).order_by("-created_at", "-pk")
    horizon = now + timedelta(days=max(SSL_ALERT_DAYS))
    monitors = (
        Monitor.objects.active()
        .filter(ssl_alert_days__gt=0, cert_expires_at__lte=horizon)
        .exclude(pk__in=in_maintenance)
        .annotate(
            last_warning_id=Subquery(last_warning.values("pk")[:1]),
            last_warning_at=Subquery(last_warning.values("created_at")[:1]),
        )
    )
    specs = []
    for monitor in monitors:
        # Filtered on cert_expires_at__lte: never None here.
        assert monitor.cert_expires_at is not None
        if monitor.cert_expires_at > now + timedelta(days=monitor.ssl_alert_days):
            continue
        if monitor.last_warning_at is not None and now < monitor.last_warning_at + EVERY:
            continue
        # Keyed on the warning it follows: two beats deciding the same one collide.
        specs.append(
            AlertSpec(
                monitor,
                AlertEvent.CERTIFICATE,
                key=f"certificate:{monitor.pk}:after:{monitor.last_warning_id or 0}",
                reason=expiry_reason(monitor.cert_expires_at, now),
                at=now,
            )  # fmt: skip
        )
    return raise_alerts(specs, now)


def expiry_reason(expires_at: datetime, now: datetime) -> str:
    when = v1_datetime(expires_at)
    if expires_at <= now:
        return f"The certificate expired on {when}."
    left = expires_at - now
    days = left.days
    within = f"{days} day{'s' if days != 1 else ''}" if days else "less than a day"
    return f"The certificate expires in {within}, on {when}."
