"""How the probe engine keeps up, per location: a backlog is shown, never silent."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from core.locations import probe_queue
from monitors import backlog, queue_depth

ROW = "{:<9}{:<13}{:>9}{:>9}{:>10}{:>10}{:>10}{:>9}"


def seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


class Command(BaseCommand):
    help = (
        "Per probe location: monitors served, messages waiting, how late checks started "
        "(p50/p99/max over the last minutes) and monitors not checked for two intervals."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--minutes", type=int, default=5, help="lateness window (default 5)")

    def handle(self, *args: Any, minutes: int, **options: Any) -> None:
        now = timezone.now()
        rows = backlog.by_location(now, minutes)
        self.stdout.write(f"Probe engine at {now:%Y-%m-%d %H:%M:%S} UTC")
        self.stdout.write(
            ROW.format("location", "queue", "monitors", "waiting", "late p50", "late p99",
                       "late max", "overdue")
        )  # fmt: skip
        depths = queue_depth.waiting(probe_queue(code) for code in rows)
        for code, row in rows.items():
            depth = depths[probe_queue(code)]
            self.stdout.write(
                ROW.format(
                    code, probe_queue(code), row.monitors, "?" if depth is None else depth,
                    seconds(row.late(0.5)), seconds(row.late(0.99)), seconds(row.late(1.0)),
                    row.overdue,
                )
            )  # fmt: skip
        self.stdout.write(
            f"Not yet claimed although due over 10 s ago: {backlog.unclaimed(now)} "
            "(non-zero means beat or the dispatch task is not running)"
        )
        if any(row.overdue for row in rows.values()):
            self.stdout.write(
                self.style.WARNING(
                    "Overdue: monitors whose last check from a location is older than two "
                    "intervals; that location's workers are missing or behind."
                )
            )
