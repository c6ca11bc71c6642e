"""How the probe engine keeps up, per location: a backlog is shown, never silent."""

from collections import defaultdict
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from monitors.models import LocationResult, Monitor
from monitors.queues import probe_queue
from statuspage.celery import app


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def queue_depth(name: str) -> int | None:
    """Messages waiting in a queue, None when the broker cannot say."""
    try:
        with app.connection_for_read() as conn:
            return conn.default_channel.queue_declare(queue=name, passive=True).message_count
    except Exception:  # an undeclared queue or an unreachable broker: unknown
        return None


class Command(BaseCommand):
    help = (
        "Per probe location: monitors served, messages waiting, how late checks started "
        "(p50/p99/max over the last minutes) and monitors not checked for two intervals."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--minutes", type=int, default=5, help="lateness window (default 5)")

    def handle(self, *args, minutes: int, **options) -> None:
        now = timezone.now()
        monitors = list(Monitor.objects.active().values_list("pk", "locations", "frequency"))
        latest = {
            (pk, location): (slot, checked_at)
            for pk, location, slot, checked_at in LocationResult.objects.values_list(
                "monitor_id", "location", "slot", "checked_at"
            )
        }
        served: dict[str, int] = defaultdict(int)
        overdue: dict[str, int] = defaultdict(int)
        lateness: dict[str, list[float]] = defaultdict(list)
        since = now - timedelta(minutes=minutes)
        for pk, locations, frequency in monitors:
            for code in filter(None, (c.strip() for c in locations.split(","))):
                served[code] += 1
                slot, checked_at = latest.get((pk, code), (None, None))
                if checked_at is None or checked_at < now - timedelta(seconds=2 * frequency + 30):
                    overdue[code] += 1
                elif checked_at >= since:
                    lateness[code].append((checked_at - slot).total_seconds())
        never = Monitor.objects.active().filter(next_check_at__lt=now - timedelta(seconds=10))
        self.stdout.write(f"Probe engine at {now:%Y-%m-%d %H:%M:%S} UTC")
        header = ("location", "queue", "monitors", "waiting", "late p50", "late p99", "late max",
                  "overdue")  # fmt: skip
        self.stdout.write("{:<9}{:<13}{:>9}{:>9}{:>10}{:>10}{:>10}{:>9}".format(*header))
        for code in sorted(served):
            queue = probe_queue(code)
            depth = queue_depth(queue)
            late = [percentile(lateness[code], f) for f in (0.5, 0.99, 1.0)]
            self.stdout.write(
                "{:<9}{:<13}{:>9}{:>9}{:>10}{:>10}{:>10}{:>9}".format(
                    code,
                    queue,
                    served[code],
                    "?" if depth is None else depth,
                    *("-" if s is None else f"{s:.2f} s" for s in late),
                    overdue[code],
                )  # fmt: skip
            )
        self.stdout.write(
            f"Not yet claimed although due over 10 s ago: {never.count()} "
            "(non-zero means beat or the dispatch task is not running)"
        )
        if any(overdue.values()):
            self.stdout.write(
                self.style.WARNING(
                    "Overdue: monitors whose last check from a location is older than two "
                    "intervals; that location's workers are missing or behind."
                )
            )
