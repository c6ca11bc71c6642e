"""The engine's counts in the Prometheus metrics (core/metrics.py): what a
probe batch did, counted once per batch (one write per label set and
histogram bucket, not per check), so the hot path stays cheap."""

from collections import Counter
from collections.abc import Sequence

from core import metrics
from monitors.probes.runner import Outcome
from monitors.probes.spec import ProbeSpec


def count_batch(location: str, monitors: Sequence[ProbeSpec], outcomes: Sequence[Outcome]) -> None:
    """``outcomes`` of one batch probed from ``location``; ``monitors`` with their
    ``protocol``, to label the checks by it."""
    protocols = {m.pk: m.protocol for m in monitors}
    tally = Counter(
        (protocols.get(o.monitor_id, "unknown"), metrics.result_label(o.result.ok))
        for o in outcomes
    )
    for (protocol, result), count in tally.items():
        metrics.checks.labels(protocol=protocol, location=location, result=result).inc(count)
    metrics.observe_many(
        metrics.check_duration.labels(location=location), [o.duration for o in outcomes]
    )
    metrics.observe_many(
        metrics.check_lateness.labels(location=location),
        [max(o.lateness, 0.0) for o in outcomes],
    )
